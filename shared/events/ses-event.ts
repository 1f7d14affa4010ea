import * as z from '#shared/zod.ts';

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
  Subject: z.optional(z.string()),
  SignatureVersion: z.optional(z.string()),
  Signature: z.optional(z.string()),
  SigningCertURL: z.optional(z.string()),
});

const recipients = z.array(z.looseObject({ emailAddress: z.string() }));

/** The parts of SES's event JSON Mailroom reads; the rest is kept as the event's details. */
export const sesEventSchema = z.object({
  eventType: z.string(),
  mail: z.looseObject({
    timestamp: z.string(),
    messageId: z.string(),
    destination: z.array(z.string()),
    tags: z._default(z.record(z.string(), z.array(z.string())), {}),
    source: z.optional(z.string()),
    commonHeaders: z.optional(
      z.looseObject({ from: z.optional(z.array(z.string())), subject: z.optional(z.string()) }),
    ),
  }),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.string(),
      bounceSubType: z.string(),
      bouncedRecipients: recipients,
      timestamp: z.string(),
    }),
  ),
  complaint: z.optional(
    z.looseObject({
      complainedRecipients: recipients,
      timestamp: z.string(),
      complaintFeedbackType: z.optional(z.string()),
    }),
  ),
  delivery: z.optional(z.looseObject({ timestamp: z.string(), recipients: z.array(z.string()) })),
  deliveryDelay: z.optional(z.looseObject({ timestamp: z.string(), delayType: z.string() })),
  reject: z.optional(z.looseObject({ reason: z.string() })),
  open: z.optional(
    z.looseObject({
      timestamp: z.string(),
      userAgent: z.optional(z.string()),
      ipAddress: z.optional(z.string()),
    }),
  ),
  click: z.optional(
    z.looseObject({
      timestamp: z.string(),
      link: z.string(),
      userAgent: z.optional(z.string()),
      ipAddress: z.optional(z.string()),
      linkTags: z.optional(z.record(z.string(), z.array(z.string()))),
    }),
  ),
  failure: z.optional(z.looseObject({ errorMessage: z.string() })),
});

export type SesEvent = z.infer<typeof sesEventSchema>;
