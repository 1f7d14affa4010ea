import type { ApiResult } from '#shared/http/types.ts';

/**
 * What a handler answers: `body` serialised as JSON, or `raw` text as it is (with its
 * own content type in `headers`); the envelope adds the common headers.
 */
export type Reply = { status?: number; headers?: Record<string, string> } & (
  | { body: unknown }
  | { raw: string }
);

export function toResult(reply: Reply): ApiResult {
  const body = 'raw' in reply ? reply.raw : JSON.stringify(reply.body);
  return { statusCode: reply.status ?? 200, headers: reply.headers, body };
}
