import { emailAddress, parseMailbox } from '#shared/emails/address.ts';
import {
  attachmentSchema,
  decodedSize,
  maxAttachments,
  maxMessageBytes,
} from '#shared/emails/attachments.ts';
import * as z from '#shared/zod.ts';

/** SES allows at most 50 recipients per message, across To, Cc and Bcc. */
export const maxRecipients = 50;

/** How far ahead an email may be scheduled. */
export const maxScheduleDays = 30;

/** SES message tags: ASCII letters, digits, `_` and `-`, at most 256 characters. */
const tagText = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,256}$/, 'may hold only letters, digits, _ and -, 1-256 long'));

/** Tag names Mailroom sets itself on every SES message; a caller may not set them. */
const reservedTagPrefix = 'mailroom_';

/**
 * Tags as an object of name → value, or (OctusRelay's form) an array of names, which
 * becomes `{ name: "true" }`. Tags travel to SES and come back on every event.
 */
export const tagsSchema = z
  .pipe(
    z.union([z.record(tagText, tagText), z.array(tagText).check(z.maxLength(50))]),
    z.transform(
      (value: Record<string, string> | string[]): Record<string, string> =>
        Array.isArray(value) ? Object.fromEntries(value.map((name) => [name, 'true'])) : value,
    ),
  )
  .check(
    z.refine((value) => Object.keys(value).length <= 50, 'at most 50 tags'),
    z.refine((value) => Object.keys(value).every((name) => !name.startsWith(reservedTagPrefix)), {
      message: `tag names starting with ${reservedTagPrefix} are reserved`,
    }),
  );

/**
 * The standard headers a caller may add: threading, mailing-list and priority ones. Any
 * other standard header is Mailroom's to write (addresses, subject, dates, ids, MIME
 * structure) or would forge what only a mail system may state (DKIM-Signature, ARC-*,
 * Authentication-Results, Received, Resent-*, Return-Path).
 */
export const callerStandardHeaders = new Set([
  'in-reply-to',
  'references',
  'keywords',
  'comments',
  'list-id',
  'list-unsubscribe',
  'list-unsubscribe-post',
  'list-help',
  'list-subscribe',
  'list-post',
  'list-owner',
  'list-archive',
  'importance',
  'priority',
  'sensitivity',
  'auto-submitted',
  'precedence',
  'thread-topic',
  'thread-index',
]);

/** X- headers that instruct SES (configuration set, tags, sending authorization) or Mailroom. */
export const instructionHeader = /^x-(ses|mailroom)-/i;

/**
 * Why a caller may not set a header, or undefined when it may: custom `X-` headers and
 * the standard ones above, never an instruction to SES or Mailroom.
 */
export function headerRefusal(name: string): string | undefined {
  if (instructionHeader.test(name)) return 'is an instruction to SES or Mailroom, which callers may not give';
  if (/^x-/i.test(name) || callerStandardHeaders.has(name.toLowerCase())) return undefined;
  return 'is not a custom X- header nor a threading, list or priority header; Mailroom writes the others itself';
}

const headers = z.record(
  z.string().check(
    z.regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,76}$/, 'must be a header name'),
    z.refine((name) => headerRefusal(name) === undefined, {
      error: (issue) => headerRefusal(String(issue.input)) ?? 'is not allowed',
    }),
  ),
  // No CR or LF: a header value must never start a new header (header injection).
  z.string().check(z.maxLength(998), z.regex(/^[^\r\n]*$/, 'must be on one line')),
);

const addressList = z.union([
  emailAddress,
  z.array(emailAddress).check(z.minLength(1), z.maxLength(maxRecipients)),
]);

/** A mailbox in its parts: an optional display name and an address. */
export const mailboxSchema = z.object({
  name: z.optional(z.string().check(z.maxLength(256))),
  address: emailAddress,
});

/** A sender: `Name <a@d>` or a bare address, parsed into its parts. */
export const senderMailbox = z.pipe(
  z.pipe(
    z.string().check(z.trim(), z.minLength(1), z.maxLength(998)),
    z.transform((value: string) => parseMailbox(value)),
  ),
  mailboxSchema,
);

/** A send time: ISO 8601 with an offset, within `maxScheduleDays`. */
export const scheduledAt = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time, such as 2026-12-01T09:00:00Z' })
  .check(
    z.refine((value) => Date.parse(value) <= Date.now() + maxScheduleDays * 86_400_000, {
      message: `must be within ${maxScheduleDays} days`,
    }),
  );

/** A string-or-array field as an array. */
export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** At most `maxRecipients` across to, cc and bcc, whatever the transport. */
function checkRecipientCount(
  email: { to?: string | string[]; cc?: string | string[]; bcc?: string | string[] },
  context: z.core.$RefinementCtx,
) {
  const recipients = asList(email.to).length + asList(email.cc).length + asList(email.bcc).length;
  if (recipients > maxRecipients) {
    context.addIssue({
      code: 'custom',
      path: ['to'],
      message: `at most ${maxRecipients} recipients across to, cc and bcc`,
    });
  }
}

/**
 * `POST /api/v1/emails` and each row of a batch: every field a send may carry (docs/sending.md).
 * Content comes from `html`/`text`, or from a template (`template_id` wins over `html`),
 * filled with `data` (alias `variables`).
 */
export const sendEmailSchema = z
  .strictObject({
    from: senderMailbox,
    from_name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))),
    to: addressList,
    cc: z.optional(addressList),
    bcc: z.optional(addressList),
    reply_to: z.optional(addressList),
    subject: z.optional(z.string().check(z.minLength(1), z.maxLength(998))),
    html: z.optional(z.string().check(z.minLength(1))),
    text: z.optional(z.string().check(z.minLength(1))),
    template_id: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    data: z.optional(z.record(z.string(), z.unknown())),
    variables: z.optional(z.record(z.string(), z.unknown())),
    headers: z.optional(headers),
    tags: z.optional(tagsSchema),
    attachments: z.optional(z.array(attachmentSchema).check(z.maxLength(maxAttachments))),
    scheduled_at: z.optional(scheduledAt),
    /** Open and click tracking for this email; each unset one follows the sending domain's setting. */
    tracking: z.optional(z.strictObject({ opens: z.optional(z.boolean()), clicks: z.optional(z.boolean()) })),
  })
  .check(
    z.superRefine((email, context) => {
      if (email.template_id === undefined) {
        if (email.html === undefined && email.text === undefined) {
          context.addIssue({
            code: 'custom',
            path: ['html'],
            message: 'html, text or template_id is required',
          });
        }
        if (email.subject === undefined)
          context.addIssue({ code: 'custom', path: ['subject'], message: 'is required' });
      }
      checkRecipientCount(email, context);
      const attached = (email.attachments ?? []).reduce((sum, file) => sum + decodedSize(file.content), 0);
      // Base64 in the message grows attachments by a third; leave room for the rest.
      if ((attached * 4) / 3 > maxMessageBytes - 256 * 1024) {
        context.addIssue({
          code: 'custom',
          path: ['attachments'],
          message: 'make the message larger than 40 MB',
          params: { payloadTooLarge: true },
        });
      }
    }),
  );

export type SendEmailInput = z.infer<typeof sendEmailSchema>;

/**
 * A message relayed over SMTP, as its transport adapts it: the envelope's recipients
 * under the header that names each, the From and Sender mailboxes, Reply-To, the subject
 * (which SMTP lets be empty) and the tags of `X-Mailroom-Tags`. Its body is the MIME the
 * client wrote, so there is no content field; the fields share the send schema's rules.
 */
export const relayedEmailSchema = z
  .strictObject({
    from: mailboxSchema,
    /** The Sender header's mailbox: who sent the message on the author's behalf. */
    sender: z.optional(mailboxSchema),
    to: z.array(emailAddress).check(z.maxLength(maxRecipients)),
    cc: z.array(emailAddress).check(z.maxLength(maxRecipients)),
    bcc: z.array(emailAddress).check(z.maxLength(maxRecipients)),
    reply_to: z.optional(addressList),
    subject: z.string().check(z.maxLength(998)),
    tags: z.optional(tagsSchema),
  })
  .check(
    z.superRefine((email, context) => {
      if (email.to.length + email.cc.length + email.bcc.length === 0)
        context.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient is required' });
      checkRecipientCount(email, context);
    }),
  );

export type RelayedEmailInput = z.infer<typeof relayedEmailSchema>;

/** At most this many emails in one batch call; a 101st row makes the whole batch a 400 `batch_too_large`. */
export const maxBatchSize = 100;

/**
 * `POST /api/v1/emails/batch`: rows are validated one by one (each judged alone), so the
 * request schema only asks for a non-empty list; `batchDocumentation` describes the rows.
 */
export const batchSchema = z.strictObject({ emails: z.array(z.unknown()).check(z.minLength(1)) });
export const batchDocumentation = z.object({
  emails: z.array(sendEmailSchema).check(z.minLength(1), z.maxLength(maxBatchSize)),
});
