import { parseDomainName } from '#shared/domains/domain-name.ts';
import { scopes } from '#shared/tenancy/scopes.ts';
import * as z from '#shared/zod.ts';

const domainName = z.pipe(
  z.string(),
  z.transform((value: string, context) => {
    const parsed = parseDomainName(value);
    if ('problem' in parsed) {
      // zod/mini hands a transform the bare payload (no addIssue): push the issue itself.
      context.issues.push({ code: 'custom', message: parsed.problem, input: value });
      return z.NEVER;
    }
    return parsed.ascii;
  }),
);

/** `POST /api/v1/keys`: `{name, scopes, domains?, mode: live|test}`. */
export const createKeySchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  scopes: z.array(z.enum(scopes)).check(z.minLength(1), z.maxLength(scopes.length)),
  domains: z.optional(z.array(domainName).check(z.maxLength(50))),
  mode: z._default(z.enum(['live', 'test']), 'live'),
});

export type CreateKeyInput = z.infer<typeof createKeySchema>;
