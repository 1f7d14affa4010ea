import { emailAddress } from '#shared/emails/address.ts';
import { pageCursor } from '#shared/pagination/page-cursor.ts';
import * as z from '#shared/zod.ts';

export const suppressionTypes = ['bounce', 'complaint', 'unsubscribe', 'manual'] as const;
export type SuppressionType = (typeof suppressionTypes)[number];

/** At most this many addresses in one manual add. */
export const maxSuppressionBatch = 1000;

/** `POST /api/v1/suppressions`: `{email, reason?}` or `{emails:[…≤1000], reason?}`. */
export const addSuppressionsSchema = z
  .strictObject({
    email: z.optional(emailAddress),
    emails: z.optional(z.array(emailAddress).check(z.minLength(1), z.maxLength(maxSuppressionBatch))),
    reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(500))),
  })
  .check(
    z.refine((body) => (body.email === undefined) !== (body.emails === undefined), {
      message: 'send either email or emails',
      path: ['email'],
    }),
  );

/** The suppression list's cursor (`startingAfter`, `next_cursor`): the last address, which the schema checks. */
export const suppressionCursor = pageCursor({ form: 'plain', valid: () => true });

/** `GET /api/v1/suppressions` query. */
export const listSuppressionsSchema = z.object({
  type: z.optional(z.enum(suppressionTypes)),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
  startingAfter: z.optional(emailAddress),
});
