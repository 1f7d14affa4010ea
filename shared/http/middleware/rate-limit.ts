import type middy from '@middy/core';
import { ApiError, rateLimitHeaders } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { consumeKeyRate } from '#shared/limits/key-rate-limit.ts';
import { tightest } from '#shared/limits/window-math.ts';

/** Counts the request against the key's window for the route's class (after authentication). */
export function keyRateLimit(rateClass: string): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: async (request) => {
      const caller = request.context.caller;
      if (!caller) return;
      const report = await consumeKeyRate(caller.keyId, rateClass);
      if (report) caller.rateLimits.push(report);
    },
  };
}

/**
 * Stamps `X-RateLimit-Limit`, `-Remaining` and `-Reset` for the tightest window this
 * request was counted in, on successes and errors alike (an error that carries its own,
 * such as a 429, keeps them). Runs outermost, around the envelope.
 */
export function rateLimitResponseHeaders(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  const stamp = (request: middy.Request<ApiEvent, ApiResult, Error, ApiContext>) => {
    if (!request.response) return;
    const carried = request.error instanceof ApiError && 'x-ratelimit-limit' in request.error.headers;
    if (carried) return;
    request.response = withRateLimitHeaders(request, request.response);
  };
  return { after: stamp, onError: stamp };
}

/** `response` with the headers of the tightest window this request was counted in (for early answers, which skip `after`). */
export function withRateLimitHeaders(
  request: middy.Request<ApiEvent, ApiResult, Error, ApiContext>,
  response: ApiResult,
): ApiResult {
  const report = tightest(request.context.caller?.rateLimits ?? []);
  if (!report) return response;
  return { ...response, headers: { ...response.headers, ...rateLimitHeaders(report) } };
}
