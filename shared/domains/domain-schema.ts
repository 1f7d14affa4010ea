import { z } from 'zod';
import { parseDomainName } from '#shared/domains/domain-name.ts';

/** `POST /api/v1/domains`: `{ "domain": "example.com" }`, normalised to punycode and lower case. */
export const createDomainSchema = z.strictObject({
  domain: z
    .string()
    .max(1000)
    .transform((value, context) => {
      const parsed = parseDomainName(value);
      if ('problem' in parsed) {
        context.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      }
      return parsed;
    }),
});
