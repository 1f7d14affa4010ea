import { z } from 'zod';
import { emailStatuses } from '#shared/emails/email-status.ts';
import { isId } from '#shared/ids.ts';

/** `GET /api/v1/emails` query: cursor pagination (AutoRelay) plus filters. */
export const listEmailsSchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  startingAfter: z
    .string()
    .refine((value) => isId('email', value), 'must be an email id')
    .optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
  status: z.enum(emailStatuses).optional(),
  domain: z.string().trim().toLowerCase().min(1).optional(),
  /** `name` or `name:value`. */
  tag: z.string().min(1).max(520).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
