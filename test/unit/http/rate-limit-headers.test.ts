import middy from '@middy/core';
import { describe, expect, it } from 'vitest';
import { NotFoundError, RateLimitedError } from '#shared/errors.ts';
import { httpEnvelope } from '#shared/http/middleware/http-envelope.ts';
import { rateLimitResponseHeaders } from '#shared/http/middleware/rate-limit.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import type { LimitReport } from '#shared/limits/window-math.ts';
import { apiEvent, lambdaContext } from '../fixtures/api-event.ts';

/** The order `apiHandler` uses: the headers outermost, around the envelope; `counted` stands for the key's admission. */
function handlerCountedIn(counted: LimitReport[] | undefined, act: () => Promise<ApiResult>) {
  return middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(rateLimitResponseHeaders())
    .use(httpEnvelope())
    .before((request) => {
      if (counted)
        request.context.caller = {
          keyId: 'key_1',
          keyName: 'test',
          projectId: 'prj_1',
          accountId: 'acc_1',
          mode: 'live',
          scopes: ['full_access'],
          domains: [],
          rateLimits: counted,
        };
    })
    .handler(act);
}

const minute = { limit: 100, remaining: 97, reset: 1_700_000_060 };
const hour = { limit: 1000, remaining: 12, reset: 1_700_003_600 };

describe('rateLimitResponseHeaders', () => {
  it('stamps the tightest window the request was counted in on a success', async () => {
    const handler = handlerCountedIn([minute, hour], async () => ({ statusCode: 200, body: '{}' }));
    const result = await handler(apiEvent(), lambdaContext());
    expect(result.headers).toMatchObject({
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '12',
      'x-ratelimit-reset': '1700003600',
      'x-request-id': 'req-1',
    });
  });

  it('stamps them on an error answer too', async () => {
    const handler = handlerCountedIn([minute], async () => {
      throw new NotFoundError('Email');
    });
    const result = await handler(apiEvent(), lambdaContext());
    expect(result.statusCode).toBe(404);
    expect(result.headers).toMatchObject({ 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '97' });
  });

  it('leaves a 429’s own window alone', async () => {
    const handler = handlerCountedIn([minute], async () => {
      throw new RateLimitedError('Too many.', 30, { limit: 5, remaining: 0, reset: 1_700_000_030 });
    });
    const result = await handler(apiEvent(), lambdaContext());
    expect(result.headers).toMatchObject({
      'retry-after': '30',
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1700000030',
    });
  });

  it('adds none when the request was counted in no window (no caller, or a route without a class)', async () => {
    for (const counted of [undefined, []]) {
      const handler = handlerCountedIn(counted, async () => ({ statusCode: 200, body: '{}' }));
      const result = await handler(apiEvent(), lambdaContext());
      expect(Object.keys(result.headers ?? {}).filter((name) => name.startsWith('x-ratelimit'))).toEqual([]);
    }
  });
});
