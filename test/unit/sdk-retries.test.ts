import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Mailroom } from '@mailroom/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * The SDK's retry rules against a real HTTP server that answers from a script: which
 * requests are tried again, how long it waits, and when it gives up.
 */
const answers: { status: number; headers?: Record<string, string>; body?: unknown }[] = [];
const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
const server = createServer((request, response) => {
  seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
  request.resume();
  request.on('end', () => {
    const answer = answers.shift() ?? { status: 200, body: { ok: true } };
    response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
});
let baseUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const script = (...next: typeof answers) => {
  answers.splice(0, answers.length, ...next);
  seen.splice(0);
};
const rateLimited = (retryAfter: string) => ({
  status: 429,
  headers: { 'retry-after': retryAfter },
  body: { error: 'Too many requests', code: 'rate_limited' },
});
const email = { from: 'a@example.com', to: 'b@example.org', subject: 'Hi', text: 'Hi' };

it('retries a read after a 429, waiting what Retry-After says', async () => {
  script(rateLimited('1'), { status: 200, body: { status: 'ok', version: '1' } });
  const started = Date.now();
  const result = await new Mailroom('ak_test_x', { baseUrl }).health.get();
  expect(result.error).toBeNull();
  expect(seen).toHaveLength(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(950);
});

it('retries a send on 5xx with the same generated idempotency key each time', async () => {
  script({ status: 503, headers: { 'retry-after': '0' } }, { status: 502, headers: { 'retry-after': '0' } });
  const result = await new Mailroom('ak_test_x', { baseUrl }).emails.send(email);
  expect(result.error).toBeNull();
  expect(seen).toHaveLength(3);
  const keys = seen.map((request) => request.headers['idempotency-key']);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(new Set(keys).size).toBe(1);
});

it('never retries a write without an idempotency key, nor a 4xx other than 429', async () => {
  script({ status: 503, headers: { 'retry-after': '0' } });
  const created = await new Mailroom('ak_test_x', { baseUrl }).templates.create({ name: 't', text: 'x' });
  expect(created.error).toMatchObject({ statusCode: 503, code: 'application_error' });
  expect(seen).toHaveLength(1);

  script({ status: 404, body: { error: 'Not found', code: 'not_found' } });
  const missing = await new Mailroom('ak_test_x', { baseUrl }).emails.get('em_1');
  expect(missing.error).toMatchObject({ statusCode: 404, code: 'not_found', message: 'Not found' });
  expect(seen).toHaveLength(1);
});

it('gives up at once when Retry-After is beyond the longest wait, and after maxRetries', async () => {
  script(rateLimited('3600'));
  const limited = await new Mailroom('ak_test_x', { baseUrl }).domains.list();
  expect(limited.error?.code).toBe('rate_limited');
  expect(limited.headers?.get('retry-after')).toBe('3600');
  expect(seen).toHaveLength(1);

  script(rateLimited('0'), rateLimited('0'), rateLimited('0'), rateLimited('0'));
  const tired = await new Mailroom('ak_test_x', { baseUrl, maxRetries: 2 }).domains.list();
  expect(tired.error?.code).toBe('rate_limited');
  expect(seen).toHaveLength(3);
});

it('answers network_error when nothing listens, after retrying a read', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const result = await new Mailroom('ak_test_x', {
    baseUrl: `http://127.0.0.1:${port}`,
    maxRetries: 1,
  }).stats.get();
  expect(result).toMatchObject({
    data: null,
    headers: null,
    error: { code: 'network_error', statusCode: null },
  });
});

it('sends the key as a Bearer token and refuses to start without one', () => {
  const previous = process.env.MAILROOM_API_KEY;
  delete process.env.MAILROOM_API_KEY;
  try {
    expect(() => new Mailroom(undefined, { baseUrl })).toThrow(/API key/);
  } finally {
    if (previous !== undefined) process.env.MAILROOM_API_KEY = previous;
  }
});
