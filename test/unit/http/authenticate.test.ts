import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { authenticate, presentedKey } from '#shared/http/middleware/authenticate.ts';
import { httpEnvelope } from '#shared/http/middleware/http-envelope.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';

/** A route behind the envelope and `authenticate`; reaching the handler would be a 200. */
const guarded = middy<ApiEvent, ApiResult, Error, ApiContext>()
  .use(httpEnvelope())
  .use(authenticate({ scope: 'emails.send', rateLimit: 'send' }))
  .handler(async () => ({ statusCode: 200, body: '{"reached":true}' }));

describe('presentedKey', () => {
  it('takes `Authorization: Bearer <key>` in any case of the scheme, and X-Relay-Key trimmed', () => {
    expect(presentedKey(apiEvent({ headers: { authorization: 'Bearer ak_1' } }))).toBe('ak_1');
    expect(presentedKey(apiEvent({ headers: { authorization: 'bearer  ak_2 ' } }))).toBe('ak_2');
    expect(presentedKey(apiEvent({ headers: { 'x-relay-key': ' ak_3 ' } }))).toBe('ak_3');
  });

  it('prefers the bearer key over X-Relay-Key, and takes no other scheme', () => {
    expect(presentedKey(apiEvent({ headers: { authorization: 'Bearer ak_1', 'x-relay-key': 'ak_2' } }))).toBe(
      'ak_1',
    );
    expect(presentedKey(apiEvent({ headers: { authorization: 'Basic YTpi' } }))).toBeUndefined();
    expect(presentedKey(apiEvent({ headers: { authorization: 'Bearer a b' } }))).toBeUndefined();
    expect(presentedKey(apiEvent())).toBeUndefined();
  });
});

describe('authenticate (answers decided before any read)', () => {
  it('401 unauthorized in the contract’s shape, with a request id, when no key is presented', async () => {
    const result = await guarded(apiEvent({ requestId: 'gw-9' }), lambdaContext());
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: 'Missing API key: send `Authorization: Bearer <key>`.',
      code: 'unauthorized',
    });
    expect(result.headers).toMatchObject({ 'x-request-id': 'gw-9', 'content-type': 'application/json' });
  });

  it('401 “Invalid API key.” for a value that is not shaped like a Mailroom key, without a lookup', async () => {
    // No table is configured in the unit tier: reaching the store would be a 500, not a 401.
    for (const key of ['not-a-key', `ak_live_${'0'.repeat(63)}`, `ak_prod_${'0'.repeat(64)}`]) {
      const result = await guarded(
        apiEvent({ headers: { authorization: `Bearer ${key}` } }),
        lambdaContext(),
      );
      expect(result.statusCode, key).toBe(401);
      expect(JSON.parse(result.body ?? ''), key).toEqual({ error: 'Invalid API key.', code: 'unauthorized' });
    }
  });
});
