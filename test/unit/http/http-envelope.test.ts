import middy from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { ApiError, RateLimitedError, ValidationError } from '#shared/errors.ts';
import { httpEnvelope } from '#shared/http/middleware/http-envelope.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { logger } from '#shared/logger.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';

/** The envelope around a handler that does `act`. */
const enveloped = (act: () => Promise<ApiResult>) =>
  middy<ApiEvent, ApiResult, Error, ApiContext>().use(httpEnvelope()).handler(act);

describe('httpEnvelope', () => {
  it('stamps X-Request-Id (the gateway’s request id) and a JSON content type on a success', async () => {
    const handler = enveloped(async () => ({ statusCode: 200, body: '{}' }));
    const result = await handler(apiEvent({ requestId: 'gw-42' }), lambdaContext());
    expect(result).toEqual({
      statusCode: 200,
      body: '{}',
      headers: { 'content-type': 'application/json', 'x-request-id': 'gw-42' },
    });
  });

  it('keeps a content type the handler chose, but never a request id of its own', async () => {
    const handler = enveloped(async () => ({
      statusCode: 200,
      body: 'x',
      headers: { 'content-type': 'text/plain', 'x-request-id': 'forged' },
    }));
    const result = await handler(apiEvent({ requestId: 'gw-1' }), lambdaContext());
    expect(result.headers).toEqual({ 'content-type': 'text/plain', 'x-request-id': 'gw-1' });
  });

  it('falls back to the Lambda request id when the event carries none', async () => {
    const handler = enveloped(async () => ({ statusCode: 204 }));
    const event = apiEvent();
    const bare = { ...event, requestContext: undefined } as unknown as ApiEvent;
    const result = await handler(bare, lambdaContext());
    expect(result.headers?.['x-request-id']).toBe('lambda-req-1');
  });

  it('answers an ApiError with its status and the contract’s {error, code, …details} body, its headers and the common ones', async () => {
    const handler = enveloped(async () => {
      throw new ValidationError('to: Invalid email address', 'to');
    });
    const result = await handler(apiEvent({ requestId: 'gw-2' }), lambdaContext());
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '')).toEqual({
      error: 'to: Invalid email address',
      code: 'validation_error',
      field: 'to',
    });
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'x-request-id': 'gw-2' });

    const limited = enveloped(async () => {
      throw new RateLimitedError('Slow down.', 2.2, { limit: 10, remaining: 0, reset: 1700000000 });
    });
    const answer = await limited(apiEvent(), lambdaContext());
    expect(answer.statusCode).toBe(429);
    expect(answer.headers).toMatchObject({
      'retry-after': '3',
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1700000000',
      'x-request-id': 'req-1',
    });
  });

  it('maps every error code to its status through the one table', async () => {
    const cases: [ConstructorParameters<typeof ApiError>[0], number][] = [
      ['bad_request', 400],
      ['unauthorized', 401],
      ['quota_exceeded', 402],
      ['account_suspended', 403],
      ['not_found', 404],
      ['idempotency_conflict', 409],
      ['payload_too_large', 413],
      ['rate_limited', 429],
    ];
    for (const [code, status] of cases) {
      const handler = enveloped(async () => {
        throw new ApiError(code, 'no');
      });
      const result = await handler(apiEvent(), lambdaContext());
      expect(result.statusCode, code).toBe(status);
      expect(JSON.parse(result.body ?? '')).toEqual({ error: 'no', code });
    }
  });

  it('answers any other error as a 500 internal_error whose message stays in the logs', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      const handler = enveloped(async () => {
        throw new Error('table mailroom-secret-name is gone');
      });
      const result = await handler(apiEvent({ requestId: 'gw-3' }), lambdaContext());
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body ?? '')).toEqual({
        error: 'Internal error. It has been logged; retrying is safe.',
        code: 'internal_error',
      });
      expect(result.body).not.toContain('mailroom-secret-name');
      expect(result.headers?.['x-request-id']).toBe('gw-3');
      expect(logged).toHaveBeenCalledOnce();
    } finally {
      logged.mockRestore();
    }
  });
});
