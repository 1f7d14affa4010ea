import middy from '@middy/core';
import { httpEnvelope } from '#shared/http/middleware/http-envelope.ts';
import { type Reply, toResult } from '#shared/http/reply.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';

/**
 * Builds an unauthenticated API Lambda handler (health, unsubscribe, OpenAPI). Kept
 * apart from `apiHandler` so these functions do not bundle the key lookup and its SDK.
 */
export function publicHandler(handle: (event: ApiEvent) => Promise<Reply>) {
  return middy<ApiEvent, ApiResult, Error, ApiContext>()
    .use(httpEnvelope())
    .handler(async (event) => toResult(await handle(event)));
}
