import { z } from 'zod';
import { emailAddress } from '#shared/emails/address.ts';

export const suppressionTypes = ['bounce', 'complaint', 'unsubscribe', 'manual'] as const;
export type SuppressionType = (typeof suppressionTypes)[number];

/** At most this many addresses in one manual add. */
export const maxSuppressionBatch = 1000;

/** `POST /api/v1/suppressions`: `{email, reason?}` or `{emails:[…≤1000], reason?}`. */
export const addSuppressionsSchema = z
  .strictObject({
    email: emailAddress.optional(),
    emails: z.array(emailAddress).min(1).max(maxSuppressionBatch).optional(),
    reason: z.string().trim().min(1).max(500).optional(),
  })
  .refine((body) => (body.email === undefined) !== (body.emails === undefined), {
    message: 'send either email or emails',
    path: ['email'],
  });

/** `GET /api/v1/suppressions` query. */
export const listSuppressionsSchema = z.object({
  type: z.enum(suppressionTypes).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  startingAfter: emailAddress.optional(),
});
