import { parseDomainName } from '#shared/domains/domain-name.ts';
import * as z from '#shared/zod.ts';

/** `POST /api/v1/domains`: `{ "domain": "example.com" }`, normalised to punycode and lower case. */
export const createDomainSchema = z.strictObject({
  domain: z.pipe(
    z.string().check(z.maxLength(1000)),
    z.transform((value: string, context) => {
      const parsed = parseDomainName(value);
      if ('problem' in parsed) {
        // zod/mini hands a transform the bare payload (no addIssue): push the issue itself.
        context.issues.push({ code: 'custom', message: parsed.problem, input: value });
        return z.NEVER;
      }
      return parsed;
    }),
  ),
});

/** `PATCH /api/v1/domains/:idOrName`: the domain's tracking settings (off by default). */
export const updateDomainSchema = z
  .strictObject({ open_tracking: z.optional(z.boolean()), click_tracking: z.optional(z.boolean()) })
  .check(
    z.refine((change) => Object.keys(change).length > 0, { message: 'send open_tracking or click_tracking' }),
  );
