import type middy from '@middy/core';
import { BadRequestError, PayloadTooLargeError } from '#shared/errors.ts';
import type { ApiContext, ApiEvent, ApiResult } from '#shared/http/types.ts';
import { toValidationError } from '#shared/validation.ts';
import type * as z from '#shared/zod.ts';

/**
 * Parses the JSON body and validates it against `schema`, leaving the result on
 * `context.body`. Oversize → 413, malformed JSON or a missing body → 400 `bad_request`,
 * a schema mismatch → 400 `validation_error` with `field`.
 */
export function jsonBody(
  schema: z.ZodMiniType,
  maxBytes: number,
  tooLargeAdvice?: string,
  /** A request without a body stands for `{}` (every field of the schema optional). */
  optional = false,
): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: (request) => {
      const { isBase64Encoded } = request.event;
      const body = optional && !request.event.body ? '{}' : request.event.body;
      if (body === undefined || body === '') throw new BadRequestError('Request body must be a JSON object.');
      const raw = isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
      if (raw.length > maxBytes) {
        const limit = `Request body is ${raw.length} bytes; the limit is ${maxBytes}.`;
        throw new PayloadTooLargeError(tooLargeAdvice ? `${limit} ${tooLargeAdvice}` : limit);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new BadRequestError('Request body is not valid JSON.');
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new BadRequestError('Request body must be a JSON object.');
      }
      const result = schema.safeParse(parsed);
      if (!result.success) throw toValidationError(result.error);
      request.context.body = result.data;
    },
  };
}
