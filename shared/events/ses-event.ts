import { z } from 'zod';

/**
 * The SNS notification that carries an SES configuration-set event, as it arrives in
 * the events queue (SNS → SQS without raw delivery, so the signature fields stay).
 */
export const snsEnvelopeSchema = z.object({
  Type: z.literal('Notification'),
  MessageId: z.string(),
  TopicArn: z.string(),
  Message: z.string(),
  Timestamp: z.string(),
  Subject: z.string().optional(),
  SignatureVersion: z.string().optional(),
  Signature: z.string().optional(),
  SigningCertURL: z.string().optional(),
});

const recipients = z.array(z.object({ emailAddress: z.string() }).loose());

/** The parts of SES's event JSON Mailroom reads; the rest is kept as the event's details. */
export const sesEventSchema = z.object({
  eventType: z.string(),
  mail: z
    .object({
      timestamp: z.string(),
      messageId: z.string(),
      destination: z.array(z.string()),
      tags: z.record(z.string(), z.array(z.string())).default({}),
      source: z.string().optional(),
      commonHeaders: z
        .object({ from: z.array(z.string()).optional(), subject: z.string().optional() })
        .loose()
        .optional(),
    })
    .loose(),
  bounce: z
    .object({
      bounceType: z.string(),
      bounceSubType: z.string(),
      bouncedRecipients: recipients,
      timestamp: z.string(),
    })
    .loose()
    .optional(),
  complaint: z
    .object({
      complainedRecipients: recipients,
      timestamp: z.string(),
      complaintFeedbackType: z.string().optional(),
    })
    .loose()
    .optional(),
  delivery: z
    .object({ timestamp: z.string(), recipients: z.array(z.string()) })
    .loose()
    .optional(),
  deliveryDelay: z.object({ timestamp: z.string(), delayType: z.string() }).loose().optional(),
  reject: z.object({ reason: z.string() }).loose().optional(),
  open: z.object({ timestamp: z.string() }).loose().optional(),
  click: z.object({ timestamp: z.string(), link: z.string() }).loose().optional(),
  failure: z.object({ errorMessage: z.string() }).loose().optional(),
});

export type SesEvent = z.infer<typeof sesEventSchema>;
