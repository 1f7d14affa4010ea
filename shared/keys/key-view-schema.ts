import { scopes } from '#shared/tenancy/scopes.ts';
import * as z from '#shared/zod.ts';

/** A key as listings show it: never the secret, never its hash. */
export const keyViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('api_key'),
  name: z.string(),
  prefix: z.string(),
  last_four: z.string(),
  scopes: z.array(z.enum(scopes)),
  /** The sending domains the key is limited to; empty for every domain of the project. */
  domains: z.array(z.string()),
  mode: z.enum(['live', 'test']),
  created_at: z.string(),
  last_used_at: z.nullable(z.string()),
  revoked_at: z.nullable(z.string()),
});

/** The creation answer: the only time the key itself is shown. */
export const createdKeySchema = z.strictObject({ ...keyViewSchema.shape, key: z.string() });
