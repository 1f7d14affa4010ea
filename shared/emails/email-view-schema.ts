import { emailStatuses } from '#shared/emails/email-lifecycle.ts';
import * as z from '#shared/zod.ts';

/** The public shape of an email, as `GET /api/v1/emails/:id` and the log show it. */
export const emailViewSchema = z.strictObject({
  id: z.string(),
  object: z.literal('email'),
  from: z.string(),
  to: z.string(),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  reply_to: z.array(z.string()),
  subject: z.string(),
  status: z.enum(emailStatuses),
  messageId: z.nullable(z.string()),
  tags: z.record(z.string(), z.string()),
  template_id: z.optional(z.string()),
  batch_id: z.optional(z.string()),
  campaign_id: z.optional(z.string()),
  contact_id: z.optional(z.string()),
  /** Recipients skipped because the project suppressed them. */
  suppressed: z.optional(z.array(z.string())),
  scheduledAt: z.nullable(z.string()),
  /** Set while the email waits because its account is not active. */
  heldAt: z.optional(z.string()),
  opens: z.number(),
  clicks: z.number(),
  failureReason: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** One line of an email's history: its type and time, plus what the event reported. */
export const emailEventViewSchema = z.looseObject({ type: z.string(), createdAt: z.string() });
