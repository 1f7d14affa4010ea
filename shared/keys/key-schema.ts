import { z } from 'zod';
import { parseDomainName } from '#shared/domains/domain-name.ts';
import { scopes } from '#shared/tenancy/scopes.ts';

const domainName = z.string().transform((value, context) => {
  const parsed = parseDomainName(value);
  if ('problem' in parsed) {
    context.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }
  return parsed.ascii;
});

/** `POST /api/v1/keys`: `{name, scopes, domains?, mode: live|test}`. */
export const createKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(scopes)).min(1).max(scopes.length),
  domains: z.array(domainName).max(50).optional(),
  mode: z.enum(['live', 'test']).default('live'),
});

export type CreateKeyInput = z.infer<typeof createKeySchema>;
