import { emailStatuses } from '#shared/emails/email-lifecycle.ts';
import { isId } from '#shared/ids.ts';
import { pageCursor } from '#shared/pagination/page-cursor.ts';
import * as z from '#shared/zod.ts';

/** A moment ids can bound: ids carry their creation time, which starts in 1970. */
const instant = z.iso
  .datetime({ offset: true })
  .check(z.refine((value) => Date.parse(value) >= 0, 'must be 1970 or later'));

/** The emails list's cursor (`startingAfter`, `next_cursor`): the last email's id. */
export const emailCursor = pageCursor({ form: 'plain', valid: (position) => isId('email', position) });

/** `GET /api/v1/emails` query: cursor pagination (`limit`, `startingAfter`, `order`) plus filters. */
export const listEmailsSchema = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  startingAfter: z.optional(z.string().check(emailCursor.check('must be an email id'))),
  order: z._default(z.enum(['asc', 'desc']), 'asc'),
  status: z.optional(z.enum(emailStatuses)),
  domain: z.optional(z.string().check(z.trim(), z.toLowerCase(), z.minLength(1))),
  /** `name` or `name:value`, each as tags are written. */
  tag: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z0-9_-]{1,256}(:[A-Za-z0-9_-]{1,256})?$/,
          'must be name or name:value (letters, digits, _ and -)',
        ),
      ),
  ),
  from: z.optional(instant),
  to: z.optional(instant),
});
