import { emailStatuses } from '#shared/emails/email-status.ts';
import { isId } from '#shared/ids.ts';
import * as z from '#shared/zod.ts';

/** `GET /api/v1/emails` query: cursor pagination (AutoRelay) plus filters. */
export const listEmailsSchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  startingAfter: z.optional(
    z.string().check(z.refine((value) => isId('email', value), 'must be an email id')),
  ),
  order: z._default(z.enum(['asc', 'desc']), 'asc'),
  status: z.optional(z.enum(emailStatuses)),
  domain: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1))),
  /** `name` or `name:value`. */
  tag: z.optional(z.string().check(z.minLength(1), z.maxLength(520))),
  from: z.optional(z.iso.datetime({ offset: true })),
  to: z.optional(z.iso.datetime({ offset: true })),
});
