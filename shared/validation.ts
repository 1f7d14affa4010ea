import { PayloadTooLargeError, ValidationError } from '#shared/errors.ts';
import type * as z from '#shared/zod.ts';

/**
 * Turns the first zod issue into a `validation_error` naming the field, or a 413 when
 * the schema flagged the issue as a size limit (`params.payloadTooLarge`).
 */
export function toValidationError(error: z.core.$ZodError): ValidationError | PayloadTooLargeError {
  const issue = error.issues[0];
  const field = issue?.path.join('.') || undefined;
  // A refused record key (a header name) carries the reason in its own issues.
  const reason =
    (issue?.code === 'invalid_key' ? issue.issues[0]?.message : undefined) ?? issue?.message ?? 'is invalid';
  const message = issue ? (field ? `${field}: ${reason}` : reason) : 'Invalid request body.';
  if (issue?.code === 'custom' && issue.params?.payloadTooLarge) return new PayloadTooLargeError(message);
  return new ValidationError(message, field);
}
