import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import { withCommonHeaders } from '#shared/http/middleware/http-envelope.ts';
import { withRateLimitHeaders } from '#shared/http/middleware/rate-limit.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type IdempotencyKey,
  releaseIdempotencyKey,
} from '#shared/idempotency/idempotency-store.ts';
import { logger } from '#shared/logger.ts';

const mutating = new Set(['POST', 'PUT', 'PATCH']);

type Request = middy.Request<ApiEvent, ApiResult, Error, ApiContext & { idempotencyKey?: IdempotencyKey }>;

/** The request's identity for its key: method, path and exact body. */
function fingerprint(event: ApiEvent): string {
  return createHash('sha256')
    .update(`${event.requestContext.http.method} ${event.rawPath}\n`)
    .update(event.body ?? '')
    .digest('hex');
}

/**
 * `Idempotency-Key` on POST, PUT and PATCH, for every route at once (after the key is
 * known, so keys are per project): same key and body within 24 h → the first answer again,
 * marked `Idempotent-Replayed: true`; another body, or the first still running → 409.
 * Answers below 500 are kept; a failure releases the key. Two writes per keyed request.
 */
export function idempotency(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: async (raw) => {
      const request = raw as Request;
      const header = request.event.headers['idempotency-key'];
      if (header === undefined || !mutating.has(request.event.requestContext.http.method)) return;
      const claim = await claimIdempotencyKey(
        request.context.caller?.projectId ?? '',
        header,
        fingerprint(request.event),
      );
      if ('lock' in claim) {
        request.context.idempotencyKey = claim.lock;
        return;
      }
      const replay = JSON.parse(claim.replay) as ApiResult;
      // An early response skips the `after` middlewares, so the common and rate-limit headers go on here.
      return withRateLimitHeaders(
        raw,
        withCommonHeaders(raw, { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } }),
      );
    },
    after: async (raw) => {
      const request = raw as Request;
      const key = request.context.idempotencyKey;
      if (!key || !request.response) return;
      const { statusCode = 200, body, headers } = request.response;
      if (statusCode >= 500) {
        await releaseIdempotencyKey(key);
        return;
      }
      // The work is done: the key must never be released now, or a repeat would do it again.
      await completeIdempotencyKey(key, JSON.stringify({ statusCode, body, headers })).catch(
        async (error) => {
          logger.error('idempotent answer not kept; keeping a stand-in', { error });
          const standIn = {
            error:
              'A request with this Idempotency-Key was done once; its answer was too large to keep for replay.',
            code: 'idempotency_conflict',
          };
          await completeIdempotencyKey(
            key,
            JSON.stringify({ statusCode: 409, body: JSON.stringify(standIn) }),
          );
        },
      );
      request.context.idempotencyKey = undefined;
    },
    onError: async (raw) => {
      const key = (raw as Request).context.idempotencyKey;
      if (key) await releaseIdempotencyKey(key);
    },
  };
}
