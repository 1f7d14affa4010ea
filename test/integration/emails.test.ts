import { ulid } from 'ulid';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  capturedMail,
  defaultProject,
  eventually,
  otherProjectKey,
  sendAndWait,
  testKey,
  useLocalAws,
  verifiedDomain,
} from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

let from = '';
beforeAll(async () => {
  const { domain } = await verifiedDomain();
  from = `Mailroom Tests <tests@${domain}>`;
});

describe('POST /api/v1/emails → sender → SES → events worker', () => {
  it('carries an email to success@ through to delivered, with its history in order', async () => {
    const { id, email, events } = await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: 'First slice', html: '<p>It works.</p>' },
      'delivered',
    );

    expect(id).toMatch(/^em_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(email).toMatchObject({
      id,
      from,
      to: 'success@simulator.amazonses.com',
      subject: 'First slice',
      status: 'delivered',
    });
    expect(email.messageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-\d{6}$/);
    expect(events.map((event) => event.type)).toEqual(['queued', 'sent', 'delivered']);
    const times = events.map((event) => Date.parse(event.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const captured = (await capturedMail()).find((mail) => mail.messageId === email.messageId);
    expect(captured).toMatchObject({
      destination: ['success@simulator.amazonses.com'],
      subject: 'First slice',
      tags: { mailroom_email_id: id },
    });
  });

  it('keeps the email for the retention period (90 days by default), then lets DynamoDB expire it', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { id } = await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: 'Kept', text: 'x' },
      'delivered',
    );
    const { getEmailWithEvents } = await import('#shared/emails/email-store.ts');
    const stored = await getEmailWithEvents(defaultProject.id, id);
    const ninetyDays = 90 * 86_400;
    expect(stored?.email.expiresAt).toBeGreaterThanOrEqual(before + ninetyDays);
    expect(stored?.email.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + ninetyDays);
  });

  it('answers {id, success, status} on acceptance', async () => {
    const response = await api('POST', '/api/v1/emails', {
      body: { from, to: ['success@simulator.amazonses.com'], subject: 'Shape', text: 'plain' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: expect.stringMatching(/^em_/), success: true, status: 'queued' });
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  it('marks an email to bounce@ as bounced, with the bounce details', async () => {
    const { events } = await sendAndWait(
      { from, to: 'bounce@simulator.amazonses.com', subject: 'Bounce me', text: 'bye' },
      'bounced',
    );
    const bounce = events.find((event) => event.type === 'bounced');
    expect(bounce).toMatchObject({
      bounceType: 'Permanent',
      bounceSubType: 'General',
      recipients: ['bounce@simulator.amazonses.com'],
    });
  });

  it('ends a complaint@ email as complained, after its delivery', async () => {
    const { id } = await sendAndWait(
      { from, to: 'complaint@simulator.amazonses.com', subject: 'Complain', text: 'x' },
      'complained',
    );
    // The two events may reach the events worker in either order (separate batches); the
    // history is in SES's order whichever came first.
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${id}`),
      (response) => response.body.events.length === 4,
    );
    expect(read.body.events.map((event: { type: string }) => event.type)).toEqual([
      'queued',
      'sent',
      'delivered',
      'complained',
    ]);
    expect(read.body.email.status).toBe('complained');
  });

  it('accepts a test-key email as `test` and never hands it to SES', async () => {
    const subject = `Test mode ${Date.now()}`;
    const accepted = await api('POST', '/api/v1/emails', {
      key: testKey,
      body: { from, to: 'success@simulator.amazonses.com', subject, text: 'x' },
    });
    expect(accepted.body).toMatchObject({ success: true, status: 'test' });

    // A live email accepted after it goes all the way to SES: had the test email been queued, it would be sent by now.
    await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: `${subject} witness`, text: 'x' },
      'delivered',
    );
    const read = await api('GET', `/api/v1/emails/${accepted.body.id}`);
    expect(read.body.email.status).toBe('test');
    expect(read.body.email.messageId).toBeNull();
    expect((await capturedMail()).some((mail) => mail.subject === subject)).toBe(false);
  });
});

describe('an email a crash cut off between its record and the queue', () => {
  it('ends failed once no message of it can come, and its webhooks hear email.failed', async () => {
    const { putEmail } = await import('#shared/emails/email-store.ts');
    const { failLostEmails, lostAfterMs, lostReason } = await import('#shared/delivery/lost-emails.ts');
    // An id made at a moment in the past (the platform's own ids are monotonic: always now or later).
    const idAt = (at: number) => `em_${ulid(at)}`;
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      const { key, project } = await otherProjectKey();
      const hook = await api('POST', '/api/v1/webhooks', { key, body: { url, events: ['email.failed'] } });
      expect(hook.status).toBe(200);
      // Prepare: what such a crash leaves, a `queued` record and no queue message; one old
      // enough that no message of it can still come, one from a minute ago.
      const recorded = (at: number) => ({
        id: idAt(at),
        projectId: project.id,
        accountId: project.accountId,
        keyId: 'key_lost',
        mode: 'live' as const,
        from: 'lost@example.com',
        fromDomain: 'example.com',
        to: ['success@simulator.amazonses.com'],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: 'Cut off',
        tags: {},
        suppressed: [],
        status: 'queued' as const,
        opens: 0,
        clicks: 0,
        createdAt: new Date(at).toISOString(),
        updatedAt: new Date(at).toISOString(),
      });
      const lost = recorded(Date.now() - lostAfterMs - 60_000);
      const recent = recorded(Date.now() - 60_000);
      await Promise.all([putEmail(lost), putEmail(recent)]);

      // Act: the hourly sweep's run.
      expect(await failLostEmails()).toBeGreaterThanOrEqual(1);

      // Assess: the old one failed for a reason and told; the recent one untouched.
      const failed = await api('GET', `/api/v1/emails/${lost.id}`, { key });
      expect(failed.body.email).toMatchObject({ status: 'failed', failureReason: lostReason });
      expect((await api('GET', `/api/v1/emails/${recent.id}`, { key })).body.email.status).toBe('queued');
      const told = await eventually(
        async () => receiver.events('email.failed').map((request) => JSON.parse(request.body).data),
        (events) => events.length > 0,
      );
      expect(told[0]).toMatchObject({ email_id: lost.id, subject: 'Cut off', reason: lostReason });
    } finally {
      await receiver.stop();
    }
  });
});

describe('GET /api/v1/emails/:id', () => {
  it('shows `to` as one string however the request gave it, in the email and in the log', async () => {
    const to = 'success@simulator.amazonses.com';
    const ids: string[] = [];
    for (const given of [to, [to]]) {
      const sent = await api('POST', '/api/v1/emails', {
        body: { from, to: given, subject: 'Shape', text: 'x' },
      });
      expect(sent.status).toBe(200);
      ids.push(sent.body.id);
    }
    for (const id of ids) expect((await api('GET', `/api/v1/emails/${id}`)).body.email.to).toBe(to);
    const log = await api('GET', '/api/v1/emails?limit=100&order=desc');
    const listed = log.body.emails.filter((email: { id: string }) => ids.includes(email.id));
    expect(listed.map((email: { to: unknown }) => email.to)).toEqual([to, to]);
  });

  it('is a 404 for an unknown or malformed id', async () => {
    for (const id of ['em_01JD0000000000000000000000', 'em_nope', 'dom_01JD0000000000000000000000']) {
      const response = await api('GET', `/api/v1/emails/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'Email not found.', code: 'not_found' });
    }
  });

  it("is a 404 for another project's email, never revealing it exists", async () => {
    const other = await otherProjectKey();

    const mine = await api('POST', '/api/v1/emails', {
      body: { from, to: 'success@simulator.amazonses.com', subject: 'Mine', text: 'x' },
    });
    const theirs = await api('GET', `/api/v1/emails/${mine.body.id}`, { key: other.key });
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe('not_found');
    await eventually(
      () => api('GET', `/api/v1/emails/${mine.body.id}`),
      (response) => response.body.email.status === 'delivered',
    );
  });
});
