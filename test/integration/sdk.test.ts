import { Mailroom, MailroomError } from '@mailroom/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiUrl, eventually, type Tenant, tenantWithDomain } from './support.ts';
import { Receiver } from './webhook-receiver.ts';

let tenant: Tenant;
let mailroom: Mailroom;
const receiver = new Receiver();

beforeAll(async () => {
  tenant = await tenantWithDomain();
  mailroom = new Mailroom(tenant.key, { baseUrl: apiUrl });
});
afterAll(() => receiver.stop());

describe('@mailroom/sdk against the local platform', () => {
  it('sends, reads and lists mail, and returns API errors as {error} instead of throwing', async () => {
    const from = `sdk@${tenant.domain}`;
    const sent = await mailroom.emails.send({
      from,
      to: 'reader@example.org',
      subject: 'From the SDK',
      text: 'Hello',
      tags: { via: 'sdk' },
    });
    expect(sent.error).toBeNull();
    expect(sent.data?.id).toMatch(/^em_/);
    expect(sent.headers?.get('x-ratelimit-limit')).toMatch(/^\d+$/);

    const delivered = await eventually(
      () => mailroom.emails.get(sent.data?.id ?? ''),
      (result) => result.data?.email.status === 'delivered',
    );
    expect(delivered.data?.events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['queued', 'sent']),
    );

    const missing = await mailroom.emails.get('em_01J00000000000000000000000');
    expect(missing).toMatchObject({ data: null, error: { code: 'not_found', statusCode: 404 } });

    const invalid = await mailroom.emails.send({ from, to: 'not an address', subject: 'x', text: 'x' });
    expect(invalid.error).toMatchObject({
      code: 'validation_error',
      statusCode: 400,
      field: expect.any(String),
    });

    const strict = new Mailroom(tenant.key, { baseUrl: apiUrl, throwOnError: true });
    await expect(strict.domains.get('dom_01J00000000000000000000000')).rejects.toBeInstanceOf(MailroomError);
  });

  it('walks every page with the iterators', async () => {
    for (const subject of ['one', 'two', 'three'])
      expect(
        (
          await mailroom.emails.send({
            from: `sdk@${tenant.domain}`,
            to: 'pages@example.org',
            subject,
            text: subject,
            tags: { run: 'pages' },
          })
        ).error,
      ).toBeNull();
    const subjects: string[] = [];
    for await (const email of mailroom.emails.iterate({ tag: 'run:pages', limit: 1 }))
      subjects.push(email.subject);
    expect(subjects.sort()).toEqual(['one', 'three', 'two']);

    const { data: list } = await mailroom.lists.create('SDK readers');
    const imported = await mailroom.contacts.import({
      listId: list?.id ?? '',
      contacts: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ email: `${name}@example.org` })),
    });
    expect(imported.data?.importedCount).toBe(5);
    const emails: string[] = [];
    for await (const contact of mailroom.contacts.iterate({ listId: list?.id ?? '', pageSize: 2 }))
      emails.push(contact.email);
    expect(emails.sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((name) => `${name}@example.org`));
  });

  it('sends templates and batches the Relay way', async () => {
    const { data: template } = await mailroom.templates.create({
      name: 'Welcome',
      subject: 'Welcome, {{name}}',
      html: '<p>Hello {{name}}</p>',
    });
    const fromTemplate = await mailroom.sendTemplate({
      from: `sdk@${tenant.domain}`,
      to: 'ada@example.org',
      template_id: template?.id ?? '',
      variables: { name: 'Ada' },
    });
    expect(fromTemplate.error).toBeNull();
    const { data: email } = await mailroom.emails.get(fromTemplate.data?.id ?? '');
    expect(email?.email.subject).toBe('Welcome, Ada');

    const batch = await mailroom.sendBatch({
      emails: [
        { from: `sdk@${tenant.domain}`, to: 'one@example.org', subject: 'Batch', text: '1' },
        { from: `sdk@${tenant.domain}`, to: 'bad address', subject: 'Batch', text: '2' },
      ],
    });
    expect(batch.data).toMatchObject({ total: 2, sent: 1, failed: 1 });
    expect(batch.data?.data[1]).toMatchObject({ id: null, code: 'validation_error' });
  });

  it('gives a send the same answer when it is retried with its idempotency key', async () => {
    const email = { from: `sdk@${tenant.domain}`, to: 'once@example.org', subject: 'Once', text: 'Once' };
    const first = await mailroom.emails.send(email, { idempotencyKey: 'sdk-once-1' });
    const again = await mailroom.emails.send(email, { idempotencyKey: 'sdk-once-1' });
    expect(again.data?.id).toBe(first.data?.id);
    const other = await mailroom.emails.send(
      { ...email, subject: 'Twice' },
      { idempotencyKey: 'sdk-once-1' },
    );
    expect(other.error?.code).toBe('idempotency_conflict');
  });

  it('verifies a real webhook delivery and refuses a forged one', async () => {
    const url = await receiver.start();
    const { data: hook } = await mailroom.webhooks.create({ url, events: ['email.queued'] });
    expect(hook?.secret).toMatch(/^whsec_/);
    await mailroom.emails.send({
      from: `sdk@${tenant.domain}`,
      to: 'hook@example.org',
      subject: 'Hook',
      text: 'x',
    });
    const [delivery] = await eventually(
      async () => receiver.events('email.queued'),
      (received) => received.length > 0,
    );
    if (!delivery) throw new Error('no delivery');
    const secret = hook?.secret ?? '';
    expect(await mailroom.webhooks.verify(delivery.body, delivery.headers, secret)).toBe(true);
    expect(
      await mailroom.webhooks.verify(new TextEncoder().encode(delivery.body), delivery.headers, secret),
    ).toBe(true);
    expect(await mailroom.webhooks.verify(`${delivery.body} `, delivery.headers, secret)).toBe(false);
    expect(await mailroom.webhooks.verify(delivery.body, delivery.headers, 'whsec_other')).toBe(false);
    const signature = String(delivery.headers['x-webhook-signature']);
    for (const forged of [`${signature}00`, `${signature.slice(0, 62)}zz`, signature.slice(0, 32), ''])
      expect(await mailroom.webhooks.verify(delivery.body, { 'X-Webhook-Signature': forged }, secret)).toBe(
        false,
      );
  });

  it('reads the rest of the platform through typed calls', async () => {
    expect((await mailroom.health.get()).data?.status).toBe('ok');
    expect((await mailroom.domains.get(tenant.domainId)).data?.dns_records?.length).toBeGreaterThan(0);
    expect((await mailroom.stats.get()).data?.accountStatus).toBe('active');
    expect((await mailroom.openapi.yaml()).data).toMatch(/^openapi: 3\.1\.0/);
  });
});
