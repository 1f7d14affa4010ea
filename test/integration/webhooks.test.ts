import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson } from '#shared/webhooks/webhook-http.ts';
import { verifyWebhookSignature } from '#shared/webhooks/webhook-signature.ts';
import { api, eventually, sandboxDomain, useLocalAws } from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

const receiver = new Receiver();
let url = '';
beforeAll(async () => {
  url = await receiver.start();
});
afterAll(() => receiver.stop());

const send = (subject: string) =>
  api('POST', '/api/v1/emails', {
    body: {
      from: `hooks@${sandboxDomain}`,
      to: 'success@simulator.amazonses.com',
      subject,
      text: 'x',
      tags: { flow: 'hooks' },
    },
  });

describe('the webhook resource', () => {
  it('registers, lists, reads, updates and deletes a webhook, showing the secret only once', async () => {
    const created = await api('POST', '/api/v1/webhooks', {
      body: { url, events: ['email.opened', 'email.clicked'] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^whk_/),
      url,
      secret: expect.stringMatching(/^whsec_[0-9a-f]{64}$/),
      events: ['email.opened', 'email.clicked'],
      isActive: true,
    });
    const id = created.body.id as string;
    const list = await api('GET', '/api/v1/webhooks');
    expect(list.body.data).toContainEqual(expect.objectContaining({ id, object: 'webhook', active: true }));
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    expect((await api('GET', `/api/v1/webhooks/${id}`)).body).not.toHaveProperty('secret');

    const patched = await api('PATCH', `/api/v1/webhooks/${id}`, {
      body: { events: ['email.failed'], active: false },
    });
    expect(patched.body).toMatchObject({ id, events: ['email.failed'], active: false });
    expect((await api('DELETE', `/api/v1/webhooks/${id}`)).body).toEqual({ id, deleted: true });
    expect((await api('GET', `/api/v1/webhooks/${id}`)).status).toBe(404);
  });

  it('refuses, at delivery in production mode, a name that resolves to a private address', async () => {
    const production = { allowLoopback: false, timeoutMs: 2000, maxResponseBytes: 4096 };
    const port = new URL(url).port;
    await expect(postJson(`https://localhost:${port}/hooks`, '{}', {}, production)).rejects.toThrow(
      /private or reserved/,
    );
    await expect(postJson(`http://localhost:${port}/hooks`, '{}', {}, production)).rejects.toThrow(/https/);
  });
});

describe('deliveries', () => {
  it('signs every delivery, with the event id as X-Webhook-Id', async () => {
    const hook = await api('POST', '/api/v1/webhooks', {
      body: { url, events: ['email.queued', 'email.sent', 'email.delivered'] },
    });
    const sent = await send(`Signed ${Date.now()}`);
    const delivered = await eventually(
      async () =>
        receiver.events('email.delivered').filter((r) => JSON.parse(r.body).data.email_id === sent.body.id),
      (found) => found.length === 1,
    );
    for (const type of ['email.queued', 'email.sent', 'email.delivered']) {
      const request = receiver.events(type).find((r) => JSON.parse(r.body).data.email_id === sent.body.id);
      expect(request, type).toBeDefined();
      const body = JSON.parse(request?.body ?? '{}');
      expect(body).toMatchObject({
        id: expect.stringMatching(/^evt_/),
        event: type,
        timestamp: expect.any(String),
      });
      expect(body.data).toMatchObject({ email_id: sent.body.id, to: ['success@simulator.amazonses.com'] });
      expect(request?.headers['x-webhook-id']).toBe(body.id);
      expect(request?.headers['user-agent']).toMatch(/^Mailroom-Webhooks\//);
      expect(
        verifyWebhookSignature(
          hook.body.secret,
          request?.body ?? '',
          String(request?.headers['x-webhook-signature']),
        ),
      ).toBe(true);
    }
    expect(JSON.parse(delivered[0]?.body ?? '{}').data).toMatchObject({
      subject: expect.stringMatching(/^Signed/),
      tags: { flow: 'hooks' },
    });
    await api('DELETE', `/api/v1/webhooks/${hook.body.id}`);
  });

  it('retries a failing receiver and delivers on the third attempt with the same X-Webhook-Id', async () => {
    const hook = await api('POST', '/api/v1/webhooks', { body: { url, events: ['email.queued'] } });
    const before = receiver.received.length;
    receiver.answer = (count) => (count - before <= 2 ? 503 : 200);
    const sent = await send(`Retried ${Date.now()}`);
    const attempts = await eventually(
      async () =>
        receiver.events('email.queued').filter((r) => JSON.parse(r.body).data.email_id === sent.body.id),
      (found) => found.length === 3,
    );
    expect(new Set(attempts.map((r) => r.headers['x-webhook-id'])).size).toBe(1);
    receiver.answer = () => 200;
    await api('DELETE', `/api/v1/webhooks/${hook.body.id}`);
  });

  it('logs a delivery that never gets through, replays it once the receiver is back, and deactivates after a failure run', async () => {
    const hook = await api('POST', '/api/v1/webhooks', { body: { url, events: ['email.queued'] } });
    const id = hook.body.id as string;
    receiver.answer = () => 500;
    const first = await send(`Down ${Date.now()}`);
    const failed = await eventually(
      () => api('GET', `/api/v1/webhooks/${id}/deliveries?limit=10`),
      (response) => response.body.data.length === 1,
    );
    expect(failed.body).toMatchObject({ object: 'list', webhook_id: id, has_more: false });
    const delivery = failed.body.data[0];
    expect(delivery).toMatchObject({
      id: expect.stringMatching(/^whd_/),
      object: 'webhook_delivery',
      event_type: 'email.queued',
      status: 'failed',
      attempts: 3,
      error: expect.stringMatching(/^HTTP 500/),
      replay_count: 0,
      resolved_at: expect.any(String),
    });

    receiver.answer = () => 200;
    const replayed = await api('POST', `/api/v1/webhooks/${id}/deliveries/${delivery.id}/replay`);
    expect(replayed.body).toMatchObject({ id: delivery.id, status: 'pending', replay_count: 1 });
    await eventually(
      () => api('GET', `/api/v1/webhooks/${id}/deliveries`),
      (response) => response.body.data.length === 0,
    );
    // The replay arrives: a fourth request for the event, after its three failed attempts.
    const ofFirst = () =>
      receiver.events('email.queued').filter((r) => JSON.parse(r.body).data.email_id === first.body.id);
    const got = await eventually(
      async () => ofFirst(),
      (requests) => requests.length === 4,
    );
    expect(got.at(-1)?.headers['x-webhook-id']).toBe(delivery.event_id);

    // Two more events that never get through make six failed attempts in a row: off.
    receiver.answer = () => 500;
    await send(`Down again ${Date.now()}`);
    await send(`Down again ${Date.now()}`);
    const off = await eventually(
      () => api('GET', `/api/v1/webhooks/${id}`),
      (response) => response.body.active === false,
    );
    expect(off.body.deactivated_reason).toMatch(/failed delivery attempts in a row/);
    receiver.answer = () => 200;
    const on = await api('PATCH', `/api/v1/webhooks/${id}`, { body: { active: true } });
    expect(on.body).toMatchObject({ active: true });
    expect(on.body).not.toHaveProperty('deactivated_reason');
    const bulk = await api('POST', `/api/v1/webhooks/${id}/deliveries/replay`, {
      body: { since: new Date(Date.now() - 3_600_000).toISOString() },
    });
    expect(bulk.body.replayed).toBeGreaterThanOrEqual(1);
    await api('DELETE', `/api/v1/webhooks/${id}`);
  }, 60_000);

  it('holds a project to 20 webhooks, however many are created at once', async () => {
    const { addProjectKey, otherProjectKey } = await import('./support.ts');
    const { project } = await otherProjectKey();
    // Keys of their own, so the 20-an-hour creation limit of one key is not what stops them.
    const keys = await Promise.all(Array.from({ length: 6 }, () => addProjectKey(project)));
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api('POST', '/api/v1/webhooks', {
          key: keys[i % keys.length],
          body: { url, events: ['email.sent'] },
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(20);
    expect(answers.filter((answer) => answer.status === 409)).toHaveLength(10);
    const list = await api('GET', '/api/v1/webhooks', { key: keys[0] });
    expect(list.body.data).toHaveLength(20);
  });

  it('keeps one project’s unresponsive receiver from holding back another project’s deliveries', async () => {
    // A receiver that takes each connection and never answers; counts what reaches it.
    let connections = 0;
    let abandoned = 0;
    const hung = createServer((request) => {
      connections += 1;
      request.socket.once('close', () => {
        abandoned += 1;
      });
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const fine = new Receiver();
    const fineUrl = await fine.start();
    try {
      const { addProjectKey, otherProjectKey } = await import('./support.ts');
      const setUp = async (target: string) => {
        const { project } = await otherProjectKey();
        const key = await addProjectKey(project);
        const hook = await api('POST', '/api/v1/webhooks', {
          key,
          body: { url: target, events: ['email.queued'] },
        });
        expect(hook.status).toBe(200);
        return key;
      };
      const slowKey = await setUp(`http://127.0.0.1:${(hung.address() as AddressInfo).port}/hooks`);
      const fineKey = await setUp(fineUrl);
      const mail = (subject: string) => ({
        from: `hooks@${sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject,
        text: 'x',
      });
      const emails = Array.from({ length: 40 }, (_, i) => mail(`slow ${i}`));
      expect((await api('POST', '/api/v1/emails/batch', { key: slowKey, body: { emails } })).status).toBe(
        200,
      );
      // The first attempts wait out their timeout; from then on the slow receiver's
      // deliveries are deferred without an attempt, and take no capacity.
      await eventually(
        async () => abandoned,
        (count) => count >= 1,
        20_000,
      );
      const sentAt = Date.now();
      expect(
        (await api('POST', '/api/v1/emails', { key: fineKey, body: mail('not held back') })).status,
      ).toBe(200);
      await eventually(
        async () => fine.events('email.queued').length,
        (count) => count >= 1,
      );
      expect(Date.now() - sentAt).toBeLessThan(3_000);
      // The first wave of attempts at most: the retries probe one at a time.
      expect(connections).toBeLessThanOrEqual(40);
    } finally {
      hung.closeAllConnections();
      await new Promise((resolve) => hung.close(resolve));
      await fine.stop();
    }
  }, 45_000);

  it('moves a slow receiver’s backlog to the slow lane: another project’s event comes first, and the slow lane holds at most its 20', async () => {
    // A receiver that answers, but only after 1.5 seconds (slow past one second).
    let answered = 0;
    let open = 0;
    let mostOpen = 0;
    const slow = createServer((request, response) => {
      open += 1;
      mostOpen = Math.max(mostOpen, open);
      request.resume();
      request.on('end', () => {
        setTimeout(() => {
          open -= 1;
          answered += 1;
          response.writeHead(200);
          response.end('ok');
        }, 1_500);
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    const fine = new Receiver();
    const fineUrl = await fine.start();
    try {
      const { addProjectKey, otherProjectKey } = await import('./support.ts');
      const tenant = async (targets: string[]) => {
        const { project } = await otherProjectKey();
        const key = await addProjectKey(project);
        for (const target of targets) {
          const hook = await api('POST', '/api/v1/webhooks', {
            key,
            body: { url: target, events: ['email.queued'] },
          });
          expect(hook.status).toBe(200);
        }
        return key;
      };
      const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/hooks`;
      const slowKey = await tenant(Array.from({ length: 20 }, () => slowUrl));
      const fineKey = await tenant([fineUrl]);
      const mail = (subject: string) => ({
        from: `hooks@${sandboxDomain}`,
        to: 'success@simulator.amazonses.com',
        subject,
        text: 'x',
      });

      // 20 emails, each an event for the slow project's 20 webhooks: 400 deliveries, twice
      // what the main lane's workers (20 invocations of 10) take at once.
      for (const round of [0, 1]) {
        const emails = Array.from({ length: 10 }, (_, i) => mail(`slow ${round}.${i}`));
        const batch = await api('POST', '/api/v1/emails/batch', { key: slowKey, body: { emails } });
        expect(batch.status).toBe(200);
      }
      // The main lane's first deliveries answered slowly, which marks the receiver slow.
      await eventually(
        async () => answered,
        (count) => count >= 150,
        30_000,
      );
      expect(
        (await api('POST', '/api/v1/emails', { key: fineKey, body: mail('beside a backlog') })).status,
      ).toBe(200);
      await eventually(
        async () => fine.events('email.queued').map((request) => JSON.parse(request.body).data.subject),
        (subjects) => subjects.includes('beside a backlog'),
        30_000,
      );
      // The other project's event did not wait for the backlog (the slow lane delivers it at
      // 20 per 1.5 s: at least 15 s for 200)…
      expect(answered).toBeLessThan(400);
      // …which the slow lane delivers meanwhile, never more than its 20 at once.
      const before = answered;
      mostOpen = open;
      await eventually(
        async () => answered,
        (count) => count >= Math.min(before + 40, 400),
        30_000,
      );
      expect(mostOpen).toBeLessThanOrEqual(20);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
      await fine.stop();
    }
  }, 120_000);

  it('takes effect at once: events right after a webhook is created reach it, none after it is deleted', async () => {
    const own = new Receiver();
    const control = new Receiver();
    const [ownUrl, controlUrl] = await Promise.all([own.start(), control.start()]);
    const subjects = (receiver: Receiver) =>
      receiver.events('email.queued').map((request) => JSON.parse(request.body).data.subject as string);
    try {
      const { addProjectKey, otherProjectKey } = await import('./support.ts');
      const { project } = await otherProjectKey();
      const key = await addProjectKey(project);
      const sendAs = async (subject: string) => {
        const answer = await api('POST', '/api/v1/emails', {
          key,
          body: { from: `hooks@${sandboxDomain}`, to: 'success@simulator.amazonses.com', subject, text: 'x' },
        });
        expect(answer.status).toBe(200);
      };
      const hook = async (target: string) => {
        const created = await api('POST', '/api/v1/webhooks', {
          key,
          body: { url: target, events: ['email.queued'] },
        });
        expect(created.status).toBe(200);
        return created.body.id as string;
      };
      // An event before any webhook exists: what a cache of "no webhooks" would remember.
      await sendAs('before');
      const id = await hook(ownUrl);
      await sendAs('right after');
      await eventually(
        async () => subjects(own),
        (seen) => seen.includes('right after'),
      );
      expect(subjects(own)).not.toContain('before');

      await hook(controlUrl);
      expect((await api('DELETE', `/api/v1/webhooks/${id}`, { key })).status).toBe(200);
      await sendAs('after deletion');
      // Once the webhook still subscribed has it, a delivery to the deleted one would have come too.
      await eventually(
        async () => subjects(control),
        (seen) => seen.includes('after deletion'),
      );
      expect(subjects(own)).not.toContain('after deletion');
    } finally {
      await Promise.all([own.stop(), control.stop()]);
    }
  });
});
