import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal } from '#shared/auth/principal.ts';
import type { LimitReport } from '#shared/limits/window-math.ts';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/**
 * Who is calling: the principal of the key found by the hash of the presented key, and
 * the rate-limit windows this request was counted in (for the response headers).
 */
export type Caller = Principal & { rateLimits: LimitReport[] };

/** The Lambda context as the API middlewares fill it in for the handler. */
export interface ApiContext extends Context {
  caller?: Caller;
  body?: unknown;
}
