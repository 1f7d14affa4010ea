import { suppressionTypes } from '#shared/suppressions/suppression-schema.ts';
import * as z from '#shared/zod.ts';

export const suppressionViewSchema = z.strictObject({
  object: z.literal('suppression'),
  email: z.string(),
  type: z.enum(suppressionTypes),
  reason: z.nullable(z.string()),
  /** The email whose bounce or complaint put the address here. */
  source_email_id: z.nullable(z.string()),
  created_at: z.string(),
});
