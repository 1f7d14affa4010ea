import type middy from '@middy/core';
import { ApiError, errorBody } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { logger } from '#shared/logger.ts';
import { flushMetrics } from '#shared/metrics.ts';

type Request = middy.Request<ApiEvent, ApiResult, Error, ApiContext>;

function requestIdOf(request: Request): string {
  return request.event.requestContext?.requestId ?? request.context.awsRequestId;
}

/** Adds `content-type` and `x-request-id` to a result. */
export function withCommonHeaders(request: Request, result: ApiResult): ApiResult {
  return {
    ...result,
    headers: { 'content-type': 'application/json', ...result.headers, 'x-request-id': requestIdOf(request) },
  };
}

/**
 * The outermost API middleware: tags logs with the request id, stamps `X-Request-Id`
 * on every response, and turns any thrown error into the JSON error `{error, code}`. Only
 * `ApiError` messages reach the client; anything else is logged and answered as a 500.
 */
export function httpEnvelope(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: (request) => {
      // Keys appended for the previous request (its id, caller) must not label this one.
      logger.resetKeys();
      logger.addContext(request.context);
      logger.appendKeys({ requestId: requestIdOf(request), route: request.event.routeKey });
    },
    after: (request) => {
      if (request.response) request.response = withCommonHeaders(request, request.response);
      flushMetrics();
    },
    onError: (request) => {
      const error = request.error;
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError('internal_error', 'Internal error. It has been logged; retrying is safe.');
      if (apiError.code === 'internal_error') logger.error('request failed', { error });
      request.response = withCommonHeaders(request, {
        statusCode: apiError.statusCode,
        headers: apiError.headers,
        body: JSON.stringify(errorBody(apiError)),
      });
      flushMetrics();
    },
  };
}
