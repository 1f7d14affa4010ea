import type middy from '@middy/core';
import { ApiError, rateLimitHeaders } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { tightest } from '#shared/limits/window-math.ts';

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
