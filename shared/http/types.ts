import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { LimitReport } from '#shared/limits/window-math.ts';
import type { ApiKeyRecord } from '#shared/tenancy/tenancy-store.ts';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/**
 * Who is calling: the key's record, found by the hash of the presented key, and the
 * rate-limit windows this request was counted in (for the response headers).
 */
export type Caller = ApiKeyRecord & { rateLimits: LimitReport[] };

/** The Lambda context as the API middlewares fill it in for the handler. */
export interface ApiContext extends Context {
  caller?: Caller;
  body?: unknown;
}
