import { scopes } from '#shared/tenancy/scopes.ts';
import * as z from '#shared/zod.ts';

/**
 * Who is calling and what may they do: the key (never its secret), its project, and its
 * account's reputation status and sending limits. Tools and consoles start here.
 */
export const accountViewSchema = z.strictObject({
  object: z.literal('account'),
  key: z.strictObject({
    id: z.string(),
    name: z.string(),
    mode: z.enum(['live', 'test']),
    scopes: z.array(z.enum(scopes)),
    domains: z.array(z.string()),
  }),
  project_id: z.string(),
  account: z.strictObject({
    id: z.string(),
    status: z.enum(['active', 'flagged', 'suspended', 'deactivated']),
    /** Why the status last changed (the reputation rule or the operator's note). */
    status_reason: z.nullable(z.string()),
    status_changed_at: z.nullable(z.string()),
  }),
  limits: z.strictObject({
    per_second: z.number(),
    per_minute: z.number(),
    per_hour: z.number(),
    per_day: z.number(),
    monthly_quota: z.number(),
  }),
});
