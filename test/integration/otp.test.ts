import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { mailroom } from './cli.ts';
import {
  addProjectKey,
  api,
  apiUrl,
  capturedMail,
  defaultProject,
  eventually,
  freshKey,
  otherProjectKey,
  useLocalAws,
} from './support.ts';
import { Receiver } from './webhook-receiver.ts';

useLocalAws();

const recipient = () =>
  `otp-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.com`;

/** Sends a code and reads it from the message the local SES captured. */
async function sendCode(key: string, email: string, extra: Record<string, unknown> = {}) {
  const sent = await api('POST', '/api/v1/otp/send', { key, body: { email, ...extra } });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const mail = await eventually(
    async () => (await capturedMail()).filter((message) => message.destination.includes(email)),
    (messages) => messages.length > 0,
  );
  const code = /^(\d{6}) is your verification code$/.exec(mail[0]?.subject ?? '')?.[1];
  expect(code).toBeDefined();
  return { code: code as string, body: sent.body };
}

const verify = (key: string, email: string, code: string, purpose?: string) =>
  api('POST', '/api/v1/otp/verify', { key, body: { email, code, ...(purpose ? { purpose } : {}) } });

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('OTP', () => {
  it('sends a code by email that verifies once', async () => {
    const key = await freshKey();
    const email = recipient();
    const before = Date.now();
    const { code, body } = await sendCode(key, email);
    expect(body).toEqual({ ok: true, expiresAt: expect.any(String), emailId: expect.stringMatching(/^em_/) });
    const expiresIn = Date.parse(body.expiresAt) - before;
    expect(expiresIn).toBeGreaterThan(9.9 * 60_000);
    expect(expiresIn).toBeLessThan(10.1 * 60_000);
    // The code went through the normal send path: it is in the email log, tagged.
    const logged = await api('GET', `/api/v1/emails/${body.emailId}`, { key });
    expect(logged.body.email.tags).toMatchObject({ otp: 'default' });

    expect((await verify(key, email.toUpperCase(), code)).body).toEqual({ ok: true });
    const again = await verify(key, email, code);
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('otp_invalid');
  });

  it('keeps only a keyed digest of the code, never the code or its bare hash', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email, { purpose: 'login' });
    const { dynamo, tableName } = await import('#shared/aws/dynamodb.ts');
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: tableName(),
        Key: { pk: `OTP#${defaultProject.id}#${email}#login`, sk: 'OTP' },
      }),
    );
    const stored = JSON.stringify(Item);
    expect(stored).not.toContain(code);
    for (const guess of [code, `${email}${code}`, `${defaultProject.id}|${email}|login|${code}`])
      expect(stored).not.toContain(createHash('sha256').update(guess).digest('hex'));
    expect(Item?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await verify(key, email, code)).status).toBe(400);
    expect((await verify(key, email, code, 'login')).body).toEqual({ ok: true });
  });

  it('shows the code to its recipient only: never in the log, the webhooks or the MCP server', async () => {
    const receiver = new Receiver();
    const url = await receiver.start();
    const mcp = new Client({ name: 'otp-test', version: '1.0.0' });
    try {
      const { key } = await otherProjectKey();
      const events = ['email.queued', 'email.sent', 'email.delivered'];
      expect((await api('POST', '/api/v1/webhooks', { key, body: { url, events } })).status).toBe(200);
      const email = recipient();
      const { code, body } = await sendCode(key, email);
      const masked = '****** is your verification code';

      const logged = await api('GET', `/api/v1/emails/${body.emailId}`, { key });
      expect(logged.body.email.subject).toBe(masked);
      const listed = await api('GET', '/api/v1/emails?tag=otp', { key });
      expect(listed.body.emails.map((one: { id: string }) => one.id)).toContain(body.emailId);
      await eventually(
        async () => events.map((event) => receiver.events(event).length),
        (counts) => counts.every((count) => count >= 1),
      );
      const delivered = receiver.events('email.delivered').map((request) => JSON.parse(request.body));
      expect(delivered[0].data.subject).toBe(masked);
      await mcp.connect(
        new StreamableHTTPClientTransport(new URL(`${apiUrl}/mcp`), {
          requestInit: { headers: { authorization: `Bearer ${key}` } },
        }),
      );
      const tool = await mcp.callTool({ name: 'list_emails', arguments: { tag: 'otp' } });
      expect(JSON.stringify(tool.structuredContent)).toContain(body.emailId);

      const seen = [
        JSON.stringify(logged.body),
        JSON.stringify(listed.body),
        ...receiver.received.map((request) => request.body),
        JSON.stringify(tool),
      ];
      for (const text of seen) expect(text).not.toContain(code);
    } finally {
      await mcp.close();
      await receiver.stop();
    }
  });

  it('keeps a test key’s codes apart: a test send neither replaces the live code nor spends its window', async () => {
    const { key, project } = await otherProjectKey();
    const testKey = await addProjectKey(project, { mode: 'test' });
    const email = recipient();
    const { code } = await sendCode(key, email);
    for (let n = 0; n < 5; n++) {
      const test = await api('POST', '/api/v1/otp/send', { key: testKey, body: { email } });
      expect(test.status).toBe(200);
    }
    expect((await api('POST', '/api/v1/otp/send', { key: testKey, body: { email } })).status).toBe(429);
    // A test key checks test codes only: the live code is neither used nor spent by it.
    expect((await verify(testKey, email, code)).body.code).toBe('otp_invalid');
    expect((await verify(key, email, code)).body).toEqual({ ok: true });
    expect((await api('POST', '/api/v1/otp/send', { key, body: { email } })).status).toBe(200);
  });

  it('burns a code after five wrong guesses', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email);
    for (let guess = 0; guess < 5; guess++) {
      const answer = await verify(key, email, wrong(code));
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('otp_invalid');
    }
    expect((await verify(key, email, code)).body.code).toBe('otp_invalid');
  });

  it('gives concurrent wrong guesses no more than the five attempts', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email);
    const guesses = Array.from({ length: 8 }, (_, n) =>
      String((Number(code) + n + 1) % 1_000_000).padStart(6, '0'),
    );
    const answers = await Promise.all(guesses.map((guess) => verify(key, email, guess)));
    expect(answers.every((answer) => answer.body.code === 'otp_invalid')).toBe(true);
    expect((await verify(key, email, code)).body.code).toBe('otp_invalid');
  });

  it('honours only the latest code of an address and purpose', async () => {
    const key = await freshKey();
    const email = recipient();
    const first = await sendCode(key, email);
    const sent = await api('POST', '/api/v1/otp/send', { key, body: { email } });
    const mail = await eventually(
      async () => (await capturedMail()).filter((message) => message.destination.includes(email)),
      (messages) => messages.length > 1,
    );
    const latest = /^(\d{6})/.exec(mail[0]?.subject ?? '')?.[1] ?? '';
    expect(sent.status).toBe(200);
    if (latest !== first.code) expect((await verify(key, email, first.code)).body.code).toBe('otp_invalid');
    expect((await verify(key, email, latest)).body).toEqual({ ok: true });
  });

  it('answers otp_expired for a code past its ten minutes', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email);
    const { dynamo, tableName } = await import('#shared/aws/dynamodb.ts');
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `OTP#${defaultProject.id}#${email}#default`, sk: 'OTP' },
        UpdateExpression: 'SET validUntil = :past',
        ExpressionAttributeValues: { ':past': Date.now() - 1 },
      }),
    );
    const answer = await verify(key, email, code);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('otp_expired');
  });

  it('lets only one of two concurrent verifies with the right code succeed', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email);
    const answers = await Promise.all([
      verify(key, email, code),
      verify(key, email, code),
      verify(key, email, code),
    ]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400]);
  });

  it('sends at most five codes an hour to one recipient, whatever the key', async () => {
    const email = recipient();
    for (let n = 0; n < 5; n++) {
      const key = await freshKey();
      expect((await api('POST', '/api/v1/otp/send', { key, body: { email } })).status).toBe(200);
    }
    const sixth = await api('POST', '/api/v1/otp/send', { key: await freshKey(), body: { email } });
    expect(sixth.status).toBe(429);
    expect(sixth.body.code).toBe('rate_limited');
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not held back.
    expect(
      (await api('POST', '/api/v1/otp/send', { key: await freshKey(), body: { email: recipient() } })).status,
    ).toBe(200);
  });

  it('reports the per-key windows: 20 sends an hour, 10 verifies a minute', async () => {
    const key = await freshKey();
    const sent = await api('POST', '/api/v1/otp/send', { key, body: { email: recipient() } });
    expect(sent.headers.get('x-ratelimit-limit')).toBe('5');
    const checked = await verify(key, recipient(), '000000');
    expect(checked.headers.get('x-ratelimit-limit')).toBe('10');
    for (let n = 1; n < 10; n++) await verify(key, recipient(), '000000');
    expect((await verify(key, recipient(), '000000')).status).toBe(429);
  });

  it('subscribes the address to the list once a subscribe code is verified', async () => {
    const key = await freshKey();
    const list = await api('POST', '/api/v1/lists', { key, body: { name: 'Double opt-in' } });
    const email = recipient();
    expect(
      (await api('POST', '/api/v1/otp/send', { key, body: { email, listId: list.body.id } })).body.field,
    ).toBe('listId');
    const { code } = await sendCode(key, email, { purpose: 'subscribe', listId: list.body.id });
    expect((await api('GET', `/api/v1/lists/${list.body.id}`, { key })).body.data.contactCount).toBe(0);
    expect((await verify(key, email, code, 'subscribe')).body).toEqual({ ok: true });
    const contacts = await api('GET', `/api/v1/contacts?listId=${list.body.id}`, { key });
    expect(contacts.body.contacts).toEqual([expect.objectContaining({ email, status: 'subscribed' })]);
    const unknownList = await api('POST', '/api/v1/otp/send', {
      key,
      body: { email, purpose: 'subscribe', listId: 'lst_01JD8X3M4Q5R6S7T8V9W0XYZAB' },
    });
    expect(unknownList.status).toBe(404);
  });

  it('keeps a project’s codes to that project', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email);
    const { key: other } = await otherProjectKey();
    expect((await verify(other, email, code)).body.code).toBe('otp_invalid');
    expect((await verify(key, email, code)).body).toEqual({ ok: true });
  });

  it('rotates the signing keys by adding one: codes signed before still verify', async () => {
    const key = await freshKey();
    const email = recipient();
    const { code } = await sendCode(key, email);
    const rotated = await mailroom('signing-keys', 'rotate');
    expect(rotated.keys).toContain('k1');
    expect(rotated.keys).toContain(rotated.current);
    expect(rotated.current).not.toBe('k1');
    const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const secrets = new SecretsManagerClient({});
    const { SecretString } = await secrets.send(
      new GetSecretValueCommand({ SecretId: process.env.SIGNING_SECRET_ARN }),
    );
    secrets.destroy();
    expect(JSON.parse(SecretString ?? '{}')).toMatchObject({
      current: rotated.current,
      k1: expect.any(String),
    });
    expect((await verify(key, email, code)).body).toEqual({ ok: true });
  });
});
