import type { ApiResult } from '#shared/http/types.ts';

/** What a handler answers; serialised as JSON, with the common headers added by the envelope. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function toResult(reply: Reply): ApiResult {
  return { statusCode: reply.status ?? 200, headers: reply.headers, body: JSON.stringify(reply.body) };
}
