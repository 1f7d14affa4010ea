import { z } from 'zod';
import { emailAddress, parseMailbox } from '#shared/emails/address.ts';

/** SES allows at most 50 recipients per message, across To, Cc and Bcc. */
export const maxRecipients = 50;

/** SES message tags: ASCII letters, digits, `_` and `-`, at most 256 characters. */
const tagText = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,256}$/, 'may hold only letters, digits, _ and -, 1-256 long');

/** Tag names Mailroom sets itself on every SES message; a caller may not set them. */
const reservedTagPrefix = 'mailroom_';

const tags = z
  .record(tagText, tagText)
  .refine((value) => Object.keys(value).every((name) => !name.startsWith(reservedTagPrefix)), {
    message: `tag names starting with ${reservedTagPrefix} are reserved`,
  });

const addressList = z.union([emailAddress, z.array(emailAddress).min(1).max(maxRecipients)]);

const sender = z
  .string()
  .trim()
  .min(1)
  .max(998)
  .transform((value) => parseMailbox(value))
  .pipe(z.object({ name: z.string().max(256).optional(), address: emailAddress }));

/**
 * `POST /api/v1/emails`. Fields the platform does not carry yet are refused by name
 * rather than silently dropped.
 */
export const sendEmailSchema = z
  .strictObject({
    from: sender,
    from_name: z.string().trim().min(1).max(256).optional(),
    to: addressList,
    cc: addressList.optional(),
    bcc: addressList.optional(),
    reply_to: addressList.optional(),
    subject: z.string().min(1).max(998),
    html: z.string().min(1).optional(),
    text: z.string().min(1).optional(),
    tags: tags.optional(),
  })
  .refine((email) => email.html !== undefined || email.text !== undefined, {
    message: 'html or text is required',
    path: ['html'],
  })
  .refine((email) => recipientsOf(email).length <= maxRecipients, {
    message: `at most ${maxRecipients} recipients across to, cc and bcc`,
    path: ['to'],
  });

export type SendEmailInput = z.infer<typeof sendEmailSchema>;

/** A string-or-array field as an array. */
export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function recipientsOf(email: { to: string | string[]; cc?: string | string[]; bcc?: string | string[] }) {
  return [...asList(email.to), ...asList(email.cc), ...asList(email.bcc)];
}
