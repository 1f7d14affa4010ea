import { toValidationError } from '#shared/validation.ts';
import type * as z from '#shared/zod.ts';

/** Validates query-string parameters; a mismatch is a 400 `validation_error` naming the parameter. */
export function parseQuery<Schema extends z.ZodMiniType>(
  schema: Schema,
  query: Readonly<Record<string, string | undefined>>,
): z.infer<Schema> {
  const result = schema.safeParse(query);
  if (!result.success) throw toValidationError(result.error);
  return result.data;
}
