import middy from '@middy/core';
import { authenticate, type RouteRights } from '#shared/http/middleware/authenticate.ts';
import { httpEnvelope } from '#shared/http/middleware/http-envelope.ts';
import { idempotency } from '#shared/http/middleware/idempotency.ts';
import { jsonBody } from '#shared/http/middleware/json-body.ts';
import { rateLimitResponseHeaders } from '#shared/http/middleware/rate-limit.ts';
import { type Reply, toResult } from '#shared/http/reply.ts';
import type { ApiContext, ApiEvent, ApiResult, Caller } from '#shared/http/types.ts';
import type * as z from '#shared/zod.ts';

export interface ApiRequest<Body> {
  event: ApiEvent;
  caller: Caller;
  body: Body;
  params: Readonly<Record<string, string | undefined>>;
  query: Readonly<Record<string, string | undefined>>;
}

/** API Gateway HTTP APIs take at most 10 MB; a route may set a lower limit. */
const defaultMaxBodyBytes = 1024 * 1024;

/**
 * Builds an authenticated API Lambda handler for a row of the route table: rate-limit
 * headers → envelope (request id, errors) → key and its principal admitted (scope,
 * test-key rule, account status, the key's rate-limit window for the route's class) → `Idempotency-Key` (POST/PUT/PATCH) → JSON
 * body parsed and validated by `body` (when given) → `handle`.
 */
export function apiHandler<Schema extends z.ZodMiniType | undefined = undefined>(
  options: {
    route: RouteRights;
    body?: Schema;
    maxBodyBytes?: number;
    /** Said to a caller whose body is over the limit: what to do instead. */
    tooLargeAdvice?: string;
    /** The body may be left out (then it is `{}`). */
    bodyOptional?: boolean;
    /** Serve accounts that are not active for every method, not only GET (see `authenticate`). */
    inactiveAccounts?: boolean;
  },
  handle: (request: ApiRequest<Schema extends z.ZodMiniType ? z.infer<Schema> : undefined>) => Promise<Reply>,
) {
  const handler = middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(rateLimitResponseHeaders())
    .use(httpEnvelope())
    .use(authenticate(options.route, { inactiveAccounts: options.inactiveAccounts }))
    .use(idempotency());
  if (options.body)
    handler.use(
      jsonBody(
        options.body,
        options.maxBodyBytes ?? defaultMaxBodyBytes,
        options.tooLargeAdvice,
        options.bodyOptional,
      ),
    );
  return handler.handler(async (event, context) =>
    toResult(
      await handle({
        event,
        caller: context.caller as Caller,
        body: context.body as Schema extends z.ZodMiniType ? z.infer<Schema> : undefined,
        params: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
      }),
    ),
  );
}
