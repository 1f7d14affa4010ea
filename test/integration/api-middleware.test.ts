/**
 * The API middlewares that keep state (the key lookup and its admission, `Idempotency-Key`),
 * run in this process as `apiHandler` composes them, against DynamoDB Local: no HTTP
 * and no function runtime between the test and the middleware. The answers they give
 * before any read are unit tests (test/unit/http/).
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { ApiRequest } from '#shared/http/api-handler.ts';
import type { Reply } from '#shared/http/reply.ts';
import type { ApiResult } from '#shared/http/types.ts';
import * as z from '#shared/zod.ts';
import { apiEvent, lambdaContext } from '../unit/fixtures/api-event.ts';
import { addProjectKey, otherProjectKey, useLocalAws } from './support.ts';

useLocalAws();
const { apiHandler } = await import('#shared/http/api-handler.ts');
const { logger } = await import('#shared/logger.ts');

let key = '';
let readOnlyKey = '';
let otherTenantKey = '';

beforeAll(async () => {
  const tenant = await otherProjectKey();
  key = tenant.key;
  readOnlyKey = await addProjectKey(tenant.project, { scopes: ['read_only'] });
  otherTenantKey = (await otherProjectKey()).key;
});

const body = z.strictObject({ n: z.number() });

/** A route as the route table would make it, whose handler counts its runs and answers with `answer`. */
function route(answer: (request: ApiRequest<{ n: number }>, run: number) => Promise<Reply>) {
  let runs = 0;
  const handler = apiHandler({ route: { scope: 'emails.send', rateLimit: 'api' }, body }, (request) => {
    runs += 1;
    return answer(request, runs);
  });
  return { handler, runs: () => runs };
}

/** A POST to `handler` with the key and, when given, an Idempotency-Key. */
function post(
  handler: (
    event: ReturnType<typeof apiEvent>,
    context: ReturnType<typeof lambdaContext>,
  ) => Promise<ApiResult>,
  options: { key: string; idempotencyKey?: string; body?: unknown; requestId?: string },
) {
  const headers: Record<string, string> = { authorization: `Bearer ${options.key}` };
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  return handler(
    apiEvent({ headers, body: JSON.stringify(options.body ?? { n: 1 }), requestId: options.requestId }),
    lambdaContext(),
  );
}

const json = (result: ApiResult) => JSON.parse(result.body ?? '');
const unique = (label: string) => `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

describe('authenticate, against stored keys', () => {
  it('401 “Invalid API key.” for a well-formed key nobody holds, before the body is read', async () => {
    const { handler, runs } = route(async () => ({ body: {} }));
    const result = await handler(
      apiEvent({ headers: { authorization: `Bearer ak_live_${'0'.repeat(64)}` }, body: '{' }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(401);
    expect(json(result)).toEqual({ error: 'Invalid API key.', code: 'unauthorized' });
    expect(result.headers?.['x-request-id']).toBe('req-1');
    expect(runs()).toBe(0);
  });

  it('hands the handler its caller, and answers with the window the request was counted in', async () => {
    const { handler } = route(async (request) => ({
      body: { project: request.caller.projectId, n: request.body.n },
    }));
    const first = await post(handler, { key, body: { n: 7 } });
    const second = await post(handler, { key, body: { n: 8 } });
    expect(first.statusCode).toBe(200);
    expect(json(first)).toEqual({ project: expect.stringMatching(/^prj_/), n: 7 });
    expect(first.headers).toMatchObject({
      'content-type': 'application/json',
      'x-request-id': 'req-1',
      'x-ratelimit-limit': '1000',
      'x-ratelimit-reset': expect.stringMatching(/^\d+$/),
    });
    expect(Number(second.headers?.['x-ratelimit-remaining'])).toBe(
      Number(first.headers?.['x-ratelimit-remaining']) - 1,
    );
  });

  it('accepts the key as X-Relay-Key too, as the Relay API sends it', async () => {
    const { handler, runs } = route(async () => ({ body: {} }));
    const result = await handler(
      apiEvent({ headers: { 'x-relay-key': key }, body: '{"n":1}' }),
      lambdaContext(),
    );
    expect(result.statusCode).toBe(200);
    expect(runs()).toBe(1);
  });

  it('403 forbidden naming the scope for a key without it, and a body error after the key is known carries the window', async () => {
    const { handler, runs } = route(async () => ({ body: {} }));
    const refused = await post(handler, { key: readOnlyKey });
    expect(refused.statusCode).toBe(403);
    expect(json(refused)).toEqual({
      error: 'This API key lacks the `emails.send` scope.',
      code: 'forbidden',
    });
    const malformed = await handler(
      apiEvent({ headers: { authorization: `Bearer ${key}` }, body: '{"n":"one"}' }),
      lambdaContext(),
    );
    expect(malformed.statusCode).toBe(400);
    expect(json(malformed)).toMatchObject({ code: 'validation_error', field: 'n' });
    expect(malformed.headers?.['x-ratelimit-limit']).toBe('1000');
    expect(runs()).toBe(0);
  });
});

describe('idempotency, against the stored keys', () => {
  it('replays the first answer for the same key and body, marked, with this request’s id and window', async () => {
    const { handler, runs } = route(async (request, run) => ({
      status: 201,
      body: { run, n: request.body.n },
    }));
    const idempotencyKey = unique('same');
    const first = await post(handler, { key, idempotencyKey, requestId: 'gw-first' });
    const again = await post(handler, { key, idempotencyKey, requestId: 'gw-again' });
    expect(runs()).toBe(1);
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(first.headers?.['idempotent-replayed']).toBeUndefined();
    expect(again.headers).toMatchObject({
      'idempotent-replayed': 'true',
      'content-type': 'application/json',
      'x-request-id': 'gw-again',
      'x-ratelimit-limit': first.headers?.['x-ratelimit-limit'],
    });
    // A replay is a keyed answer like any other: it is counted, and says so.
    expect(Number(again.headers?.['x-ratelimit-remaining'])).toBeLessThan(
      Number(first.headers?.['x-ratelimit-remaining']),
    );
  });

  it('409 idempotency_conflict for the same key with another body, and the handler does not run', async () => {
    const { handler, runs } = route(async () => ({ body: { ok: true } }));
    const idempotencyKey = unique('other-body');
    await post(handler, { key, idempotencyKey, body: { n: 1 } });
    const other = await post(handler, { key, idempotencyKey, body: { n: 2 } });
    expect(other.statusCode).toBe(409);
    expect(json(other)).toEqual({
      error: 'This Idempotency-Key was used with a different request.',
      code: 'idempotency_conflict',
    });
    expect(other.headers).toMatchObject({ 'x-request-id': 'req-1', 'x-ratelimit-limit': '1000' });
    expect(runs()).toBe(1);
  });

  it('lets only one of concurrent requests with one key do the work; the others get 409 with Retry-After: 1', async () => {
    let finish = () => {};
    const started = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { handler, runs } = route(async () => {
      finish();
      await held;
      return { body: { done: true } };
    });
    const idempotencyKey = unique('race');
    const first = post(handler, { key, idempotencyKey });
    await started;
    const during = await Promise.all([1, 2].map(() => post(handler, { key, idempotencyKey })));
    release();
    expect((await first).statusCode).toBe(200);
    for (const answer of during) {
      expect(answer.statusCode).toBe(409);
      expect(json(answer)).toEqual({
        error: 'A request with this Idempotency-Key is still in progress; try again shortly.',
        code: 'idempotency_conflict',
      });
      expect(answer.headers?.['retry-after']).toBe('1');
    }
    expect(runs()).toBe(1);
    // Once the first is done, a repeat is its replay.
    expect((await post(handler, { key, idempotencyKey })).headers?.['idempotent-replayed']).toBe('true');
  });

  it('keeps an answer below 500 for replay, but releases the key after a failure so a retry does the work', async () => {
    const refusing = route(async () => ({ status: 422, body: { refused: true } }));
    const keptKey = unique('kept-4xx');
    await post(refusing.handler, { key, idempotencyKey: keptKey });
    const replayed = await post(refusing.handler, { key, idempotencyKey: keptKey });
    expect(replayed).toMatchObject({ statusCode: 422, headers: { 'idempotent-replayed': 'true' } });
    expect(refusing.runs()).toBe(1);

    const flaky = route(async (_request, run) => {
      if (run === 1) throw new Error('the store is down');
      return { body: { run } };
    });
    const retriedKey = unique('released');
    // The failure is logged as any 500 is; the test expects it.
    vi.spyOn(logger, 'error').mockImplementationOnce(() => undefined);
    expect((await post(flaky.handler, { key, idempotencyKey: retriedKey })).statusCode).toBe(500);
    const retried = await post(flaky.handler, { key, idempotencyKey: retriedKey });
    expect(retried.statusCode).toBe(200);
    expect(json(retried)).toEqual({ run: 2 });
    expect(retried.headers?.['idempotent-replayed']).toBeUndefined();
  });

  it('keys are per project: another tenant’s request with the same key is its own', async () => {
    const { handler, runs } = route(async (request) => ({ body: { project: request.caller.projectId } }));
    const idempotencyKey = unique('per-project');
    const ours = await post(handler, { key, idempotencyKey });
    const theirs = await post(handler, { key: otherTenantKey, idempotencyKey });
    expect(runs()).toBe(2);
    expect(theirs.headers?.['idempotent-replayed']).toBeUndefined();
    expect(json(theirs).project).not.toBe(json(ours).project);
  });

  it('does the work once even when its answer is too large to keep, replaying a 409 that says so', async () => {
    const { handler, runs } = route(async () => ({ body: { blob: 'x'.repeat(500_000) } }));
    // The refused write is logged before the stand-in is kept; the test expects it.
    vi.spyOn(logger, 'error').mockImplementationOnce(() => undefined);
    const idempotencyKey = unique('too-large');
    const first = await post(handler, { key, idempotencyKey });
    expect(first.statusCode).toBe(200);
    const again = await post(handler, { key, idempotencyKey });
    expect(runs()).toBe(1);
    expect(again.statusCode).toBe(409);
    expect(json(again)).toEqual({
      error:
        'A request with this Idempotency-Key was done once; its answer was too large to keep for replay.',
      code: 'idempotency_conflict',
    });
    expect(again.headers?.['idempotent-replayed']).toBe('true');
  });
});
