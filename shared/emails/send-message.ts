import { z } from 'zod';

/**
 * The send queue's message: everything the sender needs to build the email, so it
 * reads nothing but the claim. Validated on the way out of the queue as on the way in.
 */
export const sendMessageSchema = z.object({
  emailId: z.string(),
  projectId: z.string(),
  accountId: z.string(),
  from: z.string(),
  to: z.array(z.string()).min(1),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  replyTo: z.array(z.string()),
  subject: z.string(),
  html: z.string().optional(),
  text: z.string().optional(),
  tags: z.record(z.string(), z.string()),
});

export type SendMessage = z.infer<typeof sendMessageSchema>;

/** SES message tags that tie every SES event back to its email. */
export const systemTags = {
  emailId: 'mailroom_email_id',
  projectId: 'mailroom_project_id',
  accountId: 'mailroom_account_id',
} as const;
