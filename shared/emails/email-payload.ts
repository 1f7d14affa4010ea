import { capabilityEnv } from '#shared/env.ts';
import { payloadBucket } from '#shared/resources.ts';
import * as z from '#shared/zod.ts';

const bucket = z.string().check(z.minLength(1));
/** Accepting paths only write payloads; the sender reads them (and writes those of held mail). */
const writerEnv = capabilityEnv(['payloads:write', 'payloads:readWrite'], { PAYLOAD_BUCKET: bucket });
const readerEnv = capabilityEnv('payloads:readWrite', { PAYLOAD_BUCKET: bucket });

/** Everything the sender needs to build the MIME message: rendered, validated content. */
export const emailPayloadSchema = z.object({
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  replyTo: z.array(z.string()),
  subject: z.string(),
  /** The subject as webhooks and SES's events show it, when the real one carries a secret (a one-time code). */
  shownSubject: z.optional(z.string()),
  html: z.optional(z.string()),
  text: z.optional(z.string()),
  headers: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  /** A complete message (base64) to send as it is, from the SMTP relay; then the rest is the envelope. */
  raw: z.optional(z.string()),
  /** Whether SES tracks its opens and clicks (both off when absent). */
  tracking: z.optional(z.object({ opens: z.boolean(), clicks: z.boolean() })),
  attachments: z.array(
    z.object({
      filename: z.string(),
      content: z.string(),
      contentType: z.optional(z.string()),
      contentId: z.optional(z.string()),
    }),
  ),
});

export type EmailPayload = z.infer<typeof emailPayloadSchema>;

/**
 * The send queue's message. The payload rides inline when it fits comfortably in a
 * queue message, and otherwise waits in S3 under `payloadKey`.
 */
export const sendMessageSchema = z.object({
  emailId: z.string(),
  projectId: z.string(),
  accountId: z.string(),
  payload: z.optional(emailPayloadSchema),
  payloadKey: z.optional(z.string()),
  /** A campaign email: rendered by the sender from its campaign for this recipient (no payload then). */
  campaign: z.optional(
    z.object({ id: z.string(), contactId: z.string(), email: z.string(), name: z.optional(z.string()) }),
  ),
  /** How many times the sender put it back for want of SES capacity. */
  deferrals: z.optional(z.number().check(z.int(), z.gte(0))),
});

export type SendMessage = z.infer<typeof sendMessageSchema>;

/** SQS delays a message by at most 15 minutes; later sends wait in the table for the release sweep. */
export const maxQueueDelaySeconds = 15 * 60;

/** Bytes of a queue body: below SQS's 256 KB message limit, with room for the envelope. */
export const inlinePayloadLimit = 200 * 1024;

export function payloadKeyOf(emailId: string): string {
  return `${payloadBucket.keyPrefix}${emailId}.json`;
}

/**
 * The S3 client, loaded at first use: only payloads over the inline limit go through S3,
 * and an accepting function that never meets one should not pay for loading it.
 */
const objects = () => import('#shared/aws/s3.ts');

/** Stores a payload in S3 and returns its key. */
export async function storePayload(emailId: string, payload: EmailPayload): Promise<string> {
  const key = payloadKeyOf(emailId);
  await (await objects()).putObject(writerEnv().PAYLOAD_BUCKET, key, Buffer.from(JSON.stringify(payload)), {
    contentType: 'application/json',
  });
  return key;
}

/** The message's payload, from the message itself or from S3. */
export async function payloadOf(message: SendMessage): Promise<EmailPayload> {
  if (message.payload) return message.payload;
  if (!message.payloadKey) throw new Error(`Send message for ${message.emailId} carries no payload`);
  const text = await (await objects()).getObjectText(readerEnv().PAYLOAD_BUCKET, message.payloadKey);
  return emailPayloadSchema.parse(JSON.parse(text));
}
