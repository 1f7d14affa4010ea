import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  capturedMail,
  defaultProject,
  eventually,
  otherProjectKey,
  sendAndWait,
  sesUrl,
  useLocalAws,
  verifiedDomain,
} from './support.ts';

useLocalAws();

let domain = '';
let from = '';
beforeAll(async () => {
  ({ domain } = await verifiedDomain());
  from = `Acme Support <support@${domain}>`;
});

const pdf = Buffer.from('%PDF-1.4 tiny test document').toString('base64');
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
).toString('base64');

async function rawOf(messageId: string) {
  const raw = await (await fetch(`${sesUrl}/_local/mail/${messageId}/raw`)).text();
  return { raw, parsed: await simpleParser(raw) };
}

describe('every field reaches the message', () => {
  it('never cuts a long link in the plain-text part, derived from HTML or given as text', async () => {
    const link = `https://app.example.com/reset-password?token=${'Rk4'.repeat(45)}&user=${Date.now()}`;
    expect(link.length).toBeGreaterThan(150);
    const sends = [
      { html: `<p>Someone asked to reset your password. <a href="${link}">Choose a new one</a>.</p>` },
      { text: `Someone asked to reset your password. Choose a new one here: ${link} (valid for an hour).` },
    ];
    for (const body of sends) {
      const { email } = await sendAndWait(
        { from, to: 'success@simulator.amazonses.com', subject: 'Reset your password', ...body },
        'delivered',
      );
      const { parsed } = await rawOf(email.messageId);
      const lines = (parsed.text ?? '').split(/\r?\n/);
      expect(
        lines.filter((line) => line.includes(link)),
        JSON.stringify(parsed.text),
      ).toHaveLength(1);
    }
  });

  it('keeps characters beyond the Basic Multilingual Plane (emoji) in every field', async () => {
    const subject = `Launch 🚀 ${Date.now()}`;
    const { email } = await sendAndWait(
      {
        from: `Rocket 🚀 <launch@${domain}>`,
        to: 'success@simulator.amazonses.com',
        subject,
        html: '<p>Lift-off 🚀🌕</p>',
        text: 'Lift-off 🚀🌕',
        tags: { kind: 'launch' },
      },
      'delivered',
    );
    expect(email).toMatchObject({ subject, from: `Rocket 🚀 <launch@${domain}>` });
    const { parsed } = await rawOf(email.messageId);
    expect(parsed.subject).toBe(subject);
    expect(parsed.from?.value).toEqual([{ name: 'Rocket 🚀', address: `launch@${domain}` }]);
    expect(parsed.html).toContain('Lift-off 🚀🌕');
    expect(parsed.text?.trim()).toBe('Lift-off 🚀🌕');
  });

  it('carries addresses, headers, tags, both bodies and attachments into the MIME SES sends', async () => {
    const { email } = await sendAndWait(
      {
        from,
        to: ['success@simulator.amazonses.com', 'success+two@simulator.amazonses.com'],
        cc: 'success+cc@simulator.amazonses.com',
        bcc: ['success+bcc@simulator.amazonses.com'],
        reply_to: ['help@example.org'],
        subject: 'Order 1234 — shipped',
        html: '<h1>Shipped</h1><p>Your order <b>1234</b> is on its way.</p><img src="cid:logo@acme">',
        text: 'Shipped. Your order 1234 is on its way.',
        headers: { 'X-Campaign': 'orders', 'List-Unsubscribe': '<https://acme.example/u/1>' },
        tags: { kind: 'shipping', order: '1234' },
        attachments: [
          { filename: 'invoice.pdf', content: pdf, content_type: 'application/pdf' },
          { filename: 'logo.png', content: png, content_type: 'image/png', content_id: 'logo@acme' },
        ],
      },
      'delivered',
    );
    const captured = (await capturedMail()).find((mail) => mail.messageId === email.messageId);
    expect(captured?.destination).toEqual([
      'success@simulator.amazonses.com',
      'success+two@simulator.amazonses.com',
      'success+cc@simulator.amazonses.com',
      'success+bcc@simulator.amazonses.com',
    ]);
    expect(captured?.tags).toMatchObject({ kind: 'shipping', order: '1234', mailroom_email_id: email.id });

    const { raw, parsed } = await rawOf(email.messageId);
    expect(parsed.from?.value).toEqual([{ name: 'Acme Support', address: `support@${domain}` }]);
    expect(parsed.subject).toBe('Order 1234 — shipped');
    expect([parsed.to].flat().flatMap((to) => to?.value.map((v) => v.address))).toEqual([
      'success@simulator.amazonses.com',
      'success+two@simulator.amazonses.com',
    ]);
    expect([parsed.cc].flat()[0]?.text).toBe('success+cc@simulator.amazonses.com');
    expect(raw).not.toMatch(/^bcc:/im);
    expect(raw).not.toContain('success+bcc@');
    expect([parsed.replyTo].flat()[0]?.text).toBe('help@example.org');
    expect(parsed.headers.get('x-campaign')).toBe('orders');
    expect(parsed.html).toContain('<b>1234</b>');
    expect(parsed.text?.trim()).toBe('Shipped. Your order 1234 is on its way.');
    const files = parsed.attachments.map((file) => ({
      filename: file.filename,
      contentType: file.contentType,
      cid: file.cid,
      content: file.content.toString('base64'),
    }));
    expect(files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ filename: 'invoice.pdf', contentType: 'application/pdf', content: pdf }),
        expect.objectContaining({
          filename: 'logo.png',
          contentType: 'image/png',
          cid: 'logo@acme',
          content: png,
        }),
      ]),
    );
  });

  it('derives the plain-text part from HTML-only mail, and takes from_name', async () => {
    const { email } = await sendAndWait(
      {
        from: `support@${domain}`,
        from_name: 'Acme Team',
        to: 'success@simulator.amazonses.com',
        subject: 'Only HTML',
        html: '<h1>Hello</h1><p>Read <a href="https://acme.example/x">this</a>.</p>',
        tags: ['transactional', 'orders'],
      },
      'delivered',
    );
    const { parsed } = await rawOf(email.messageId);
    expect(parsed.from?.value[0]?.name).toBe('Acme Team');
    expect(parsed.text).toMatch(/HELLO/);
    expect(parsed.text).toMatch(/Read this \[https:\/\/acme\.example\/x\]/);
    expect(email.tags).toEqual({ transactional: 'true', orders: 'true' });
  });

  it('carries custom X- headers and threading, list and priority ones into the message SES sends', async () => {
    const base = { from, to: 'success@simulator.amazonses.com', subject: 'Headers', text: 'x' };
    const { email } = await sendAndWait(
      {
        ...base,
        headers: {
          'X-Campaign': 'spring',
          'In-Reply-To': '<a@example.com>',
          References: '<a@example.com>',
          'List-Unsubscribe': '<https://example.com/u>',
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      },
      'delivered',
    );
    const { parsed } = await rawOf(email.messageId);
    expect(parsed.headers.get('x-campaign')).toBe('spring');
    expect(parsed.inReplyTo).toBe('<a@example.com>');
  });

  it('sends a body too large for a queue message through S3', async () => {
    const html = `<p>${'All work and no play. '.repeat(15_000)}</p>`;
    const { email } = await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: 'Large', html },
      'delivered',
    );
    const { parsed } = await rawOf(email.messageId);
    expect(parsed.html).toBe(html);
  });
});

describe('templates', () => {
  it('creates, lists, reads, updates and deletes a template', async () => {
    const created = await api('POST', '/api/v1/templates', {
      body: {
        name: 'Welcome',
        subject: 'Welcome, {{name}}',
        html: '<p>Hi {{name}}</p>',
        text: 'Hi {{name}}',
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^tpl_/),
      name: 'Welcome',
      object: 'template',
    });
    const id = created.body.id as string;

    const list = await api('GET', '/api/v1/templates');
    expect(list.body.templates).toContainEqual({
      id,
      name: 'Welcome',
      subject: 'Welcome, {{name}}',
      createdAt: created.body.createdAt,
    });

    const updated = await api('PUT', `/api/v1/templates/${id}`, { body: { subject: 'Hello {{name}}' } });
    expect(updated.body).toMatchObject({ id, subject: 'Hello {{name}}', html: '<p>Hi {{name}}</p>' });
    expect((await api('GET', `/api/v1/templates/${id}`)).body.subject).toBe('Hello {{name}}');

    const other = await otherProjectKey();
    expect((await api('GET', `/api/v1/templates/${id}`, { key: other.key })).status).toBe(404);

    expect((await api('DELETE', `/api/v1/templates/${id}`)).body).toEqual({ id, deleted: true });
    expect((await api('GET', `/api/v1/templates/${id}`)).status).toBe(404);
  });

  it('renders variables: escaped in HTML, raw with triple braces, unknown ones left as written', async () => {
    const template = await api('POST', '/api/v1/templates', {
      body: {
        name: 'Receipt',
        subject: 'Receipt for {{name}}',
        html: '<p>Hi {{name}}, {{{badge}}} {{missing}}</p>',
        text: 'Hi {{name}} {{missing}}',
      },
    });
    const { email } = await sendAndWait(
      {
        from,
        to: 'success@simulator.amazonses.com',
        template_id: template.body.id,
        html: '<p>ignored: the template wins</p>',
        variables: { name: 'Tom & <Jerry>', badge: '<b>VIP</b>' },
      },
      'delivered',
    );
    expect(email.subject).toBe('Receipt for Tom & <Jerry>');
    const { parsed } = await rawOf(email.messageId);
    expect(parsed.html).toBe('<p>Hi Tom &amp; &lt;Jerry&gt;, <b>VIP</b> {{missing}}</p>');
    expect(parsed.text?.trim()).toBe('Hi Tom & <Jerry> {{missing}}');
  });

  it('refuses (413) a small request whose template renders an email over 10 MB, and accepts it smaller', async () => {
    // Four nested sections over ten items: each character of the innermost part comes out 10,000 times.
    const nested = (part: string) => `{{#n}}{{#n}}{{#n}}{{#n}}${part}{{/n}}{{/n}}{{/n}}{{/n}}`;
    const template = await api('POST', '/api/v1/templates', {
      body: {
        name: 'Amplifier',
        subject: 'Big',
        html: nested(`<p>${'x'.repeat(593)}</p>`),
        text: nested('y'.repeat(600)),
      },
    });
    expect(template.status).toBe(200);
    const send = (n: number[]) =>
      api('POST', '/api/v1/emails', {
        body: { from, to: 'success@simulator.amazonses.com', template_id: template.body.id, data: { n } },
      });
    const refused = await send(Array.from({ length: 10 }, (_, i) => i));
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'payload_too_large' });
    expect(refused.body.error).toMatch(/renders to more than 10 MB/);
    expect((await send([1, 2])).status).toBe(200);
  });

  it('answers 404 for an unknown template_id', async () => {
    const response = await api('POST', '/api/v1/emails', {
      body: { from, to: 'success@simulator.amazonses.com', template_id: 'tpl_01JD0000000000000000000000' },
    });
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('not_found');
  });
});

describe('batch', () => {
  it('judges each row alone and answers per row', async () => {
    const response = await api('POST', '/api/v1/emails/batch', {
      body: {
        emails: [
          { from, to: 'success@simulator.amazonses.com', subject: 'Row 1', text: 'one' },
          { from, to: 'not-an-address', subject: 'Row 2', text: 'two' },
          {
            from: 'x@unverified-domain.example',
            to: 'success@simulator.amazonses.com',
            subject: 'Row 3',
            text: 'x',
          },
          { from, to: ['success+4@simulator.amazonses.com'], subject: 'Row 4', html: '<p>four</p>' },
        ],
      },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      object: 'batch',
      batch_id: expect.stringMatching(/^batch_/),
      total: 4,
      sent: 2,
      failed: 2,
    });
    const [one, two, three, four] = response.body.data;
    expect(one).toEqual({
      id: expect.stringMatching(/^em_/),
      to: 'success@simulator.amazonses.com',
      status: 'queued',
      error: null,
    });
    expect(two).toMatchObject({ id: null, to: 'not-an-address', status: 'failed', code: 'validation_error' });
    expect(three).toMatchObject({ id: null, status: 'failed', code: 'domain_not_verified' });
    expect(four).toMatchObject({ id: expect.stringMatching(/^em_/), status: 'queued', error: null });
    await eventually(
      () => api('GET', `/api/v1/emails/${four.id}`),
      (read) => read.body.email.status === 'delivered',
    );
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same body and refuses another body', async () => {
    const key = `idem-${Date.now()}`;
    const body = { from, to: 'success@simulator.amazonses.com', subject: `Idempotent ${key}`, text: 'once' };
    const first = await api('POST', '/api/v1/emails', { body, headers: { 'idempotency-key': key } });
    const again = await api('POST', '/api/v1/emails', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // A replay is a keyed response like any other: it counts, and says so.
    const remaining = (response: typeof first) => response.headers.get('x-ratelimit-remaining') ?? '';
    expect(remaining(again)).toMatch(/^\d+$/);
    expect(Number(remaining(again))).toBeLessThan(Number(remaining(first)));
    expect(again.headers.get('x-ratelimit-limit')).toBe(first.headers.get('x-ratelimit-limit'));

    const other = await api('POST', '/api/v1/emails', {
      body: { ...body, text: 'different' },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_conflict');

    await eventually(
      () => api('GET', `/api/v1/emails/${first.body.id}`),
      (read) => read.body.email.status === 'delivered',
    );
    const sent = (await capturedMail()).filter((mail) => mail.subject === body.subject);
    expect(sent).toHaveLength(1);
  });

  it('does a batch once under one key, however large its answer, and replays that answer', async () => {
    const key = `big-${Date.now()}`;
    const subject = `Once in a big batch ${key}`;
    const emails = [
      { from, to: 'success@simulator.amazonses.com', subject, text: 'x' },
      ...Array.from({ length: 99 }, () => ({ from, to: 'x'.repeat(10_000), subject, text: 'x' })),
    ];
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      answers.push(
        await api('POST', '/api/v1/emails/batch', { body: { emails }, headers: { 'idempotency-key': key } }),
      );
    }
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers[1]?.body).toEqual(answers[0]?.body);
    expect(answers[2]?.headers.get('idempotent-replayed')).toBe('true');
    const id = answers[0]?.body.data[0].id as string;
    await eventually(
      () => api('GET', `/api/v1/emails/${id}`),
      (read) => read.body.email.status === 'delivered',
    );
    expect((await capturedMail()).filter((mail) => mail.subject === subject)).toHaveLength(1);
  });
});

describe('scheduling', () => {
  it('holds an email until scheduled_at, then sends it', async () => {
    const at = new Date(Date.now() + 3000).toISOString();
    const accepted = await api('POST', '/api/v1/emails', {
      body: { from, to: 'success@simulator.amazonses.com', subject: 'Later', text: 'x', scheduled_at: at },
    });
    expect(accepted.body.status).toBe('scheduled');
    expect((await api('GET', `/api/v1/emails/${accepted.body.id}`)).body.email.status).toBe('scheduled');
    const done = await eventually(
      () => api('GET', `/api/v1/emails/${accepted.body.id}`),
      (read) => read.body.email.status === 'delivered',
    );
    const sent = done.body.events.find((event: { type: string }) => event.type === 'sent');
    expect(Date.parse(sent.createdAt)).toBeGreaterThanOrEqual(Date.parse(at) - 1000);
  });

  it('cancels a scheduled email, once, and never sends it', async () => {
    const scheduledAt = new Date(Date.now() + 2000).toISOString();
    const accepted = await api('POST', '/api/v1/emails', {
      body: {
        from,
        to: 'success@simulator.amazonses.com',
        subject: 'Canceled',
        text: 'x',
        scheduled_at: scheduledAt,
      },
    });
    // A witness scheduled a second later and left alone: once it is sent, the canceled one's turn has passed.
    const witness = await api('POST', '/api/v1/emails', {
      body: {
        from,
        to: 'success@simulator.amazonses.com',
        subject: 'Witness',
        text: 'x',
        scheduled_at: new Date(Date.parse(scheduledAt) + 1000).toISOString(),
      },
    });
    const canceled = await api('POST', `/api/v1/emails/${accepted.body.id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ id: accepted.body.id, status: 'canceled' });
    expect((await api('POST', `/api/v1/emails/${accepted.body.id}/cancel`)).status).toBe(409);
    await eventually(
      () => api('GET', `/api/v1/emails/${witness.body.id}`),
      (response) => response.body.email.status === 'delivered',
    );
    expect((await api('GET', `/api/v1/emails/${accepted.body.id}`)).body.email.status).toBe('canceled');
    expect((await capturedMail()).some((mail) => mail.tags.mailroom_email_id === accepted.body.id)).toBe(
      false,
    );
    expect((await api('POST', '/api/v1/emails/em_01JD0000000000000000000000/cancel')).status).toBe(404);
  });

  it('keeps emails scheduled past 15 minutes for the release sweep, which queues them on time', async () => {
    const accepted = await api('POST', '/api/v1/emails', {
      body: {
        from,
        to: 'success@simulator.amazonses.com',
        subject: 'Next hour',
        text: 'x',
        scheduled_at: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
    expect(accepted.body.status).toBe('scheduled');
    const { releaseScheduledEmails } = await import('#shared/emails/release-scheduled.ts');
    // Run the sweep as if it were an hour later.
    expect(await releaseScheduledEmails(Date.now() + 3_600_000)).toBeGreaterThanOrEqual(1);
    await eventually(
      () => api('GET', `/api/v1/emails/${accepted.body.id}`),
      (read) => read.body.email.status === 'delivered',
    );
  });
});

describe('suppression', () => {
  it('skips suppressed recipients, lists them, and refuses mail to nobody else', async () => {
    await sendAndWait(
      { from, to: 'bounce+sup@simulator.amazonses.com', subject: 'Bounce', text: 'x' },
      'bounced',
    );
    const mixed = await api('POST', '/api/v1/emails', {
      body: {
        from,
        to: ['bounce+sup@simulator.amazonses.com', 'success@simulator.amazonses.com'],
        subject: 'Mixed',
        text: 'x',
      },
    });
    expect(mixed.status).toBe(200);
    expect(mixed.body.suppressed).toEqual(['bounce+sup@simulator.amazonses.com']);
    const only = await api('POST', '/api/v1/emails', {
      body: { from, to: 'bounce+sup@SIMULATOR.AmazonSES.com', subject: 'Only', text: 'x' },
    });
    expect(only.status).toBe(400);
    expect(only.body.code).toBe('all_recipients_suppressed');
  });
});

describe('a sender that never doubles an email', () => {
  it('never lets an unknown outcome override what SES reported', async () => {
    const { id } = await sendAndWait(
      { from, to: 'success@simulator.amazonses.com', subject: 'Reported', text: 'x' },
      'delivered',
    );
    const { advanceStatus } = await import('#shared/emails/email-store.ts');
    const { unknownOutcome } = await import('#shared/emails/email-lifecycle.ts');
    // What a redelivered send message finds after a crash: a claim, and no answer from SES.
    expect(
      await advanceStatus(defaultProject.id, id, 'failed', new Date().toISOString(), {
        failureReason: unknownOutcome,
      }),
    ).toBe(false);
    expect((await api('GET', `/api/v1/emails/${id}`)).body.email.status).toBe('delivered');
  });

  it('marks an email whose earlier attempt died mid-send as failed (unknown_outcome), and does not resend it', async () => {
    const accepted = await api('POST', '/api/v1/emails', {
      body: {
        from,
        to: 'success@simulator.amazonses.com',
        subject: 'Died mid-send',
        text: 'x',
        scheduled_at: new Date(Date.now() + 2000).toISOString(),
      },
    });
    // An earlier sender claimed it two minutes ago and was killed before SES answered (a
    // claim younger than a minute may belong to a sender still at work: a duplicate waits).
    const { claimForSending } = await import('#shared/emails/email-store.ts');
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    expect(await claimForSending(defaultProject.id, accepted.body.id, twoMinutesAgo)).toBe('claimed');
    const read = await eventually(
      () => api('GET', `/api/v1/emails/${accepted.body.id}`),
      (response) => response.body.email.status === 'failed',
    );
    expect(read.body.email.failureReason).toBe('unknown_outcome');
    expect((await capturedMail()).some((mail) => mail.tags.mailroom_email_id === accepted.body.id)).toBe(
      false,
    );
  });
});
