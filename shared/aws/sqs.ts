import { createHash } from 'node:crypto';
import { callJson, sqsService } from '#shared/aws/json-service.ts';

/**
 * The SQS calls Mailroom makes, through the JSON protocol (`json-service.ts`) instead of
 * the SDK's client (about 25 KB of every bundle that queues mail). Inputs and outputs
 * carry SQS's own field names, as the SDK's do.
 */

export interface SendMessageInput {
  QueueUrl: string;
  MessageBody: string;
  DelaySeconds?: number;
}

export interface SendMessageBatchInput {
  QueueUrl: string;
  Entries: { Id: string; MessageBody: string; DelaySeconds?: number }[];
}

/** An entry SQS did not take: `SenderFault` says whether the entry itself is at fault. */
export interface BatchResultError {
  Id: string;
  Code: string;
  Message?: string;
  SenderFault: boolean;
}

export interface SendMessageBatchOutput {
  Successful?: { Id: string; MessageId: string; MD5OfMessageBody: string }[];
  Failed?: BatchResultError[];
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The body SQS stored is the one sent (the SDK checks the same digest). */
function checkDigest(body: string, digest: string | undefined) {
  if (digest !== undefined && digest !== md5(body))
    throw new Error('SQS answered with the digest of another message body');
}

/** Sends one message; returns its id. */
export async function sendMessage(input: SendMessageInput): Promise<string> {
  const output = await callJson<{ MessageId: string; MD5OfMessageBody?: string }>(
    sqsService,
    'SendMessage',
    input,
  );
  checkDigest(input.MessageBody, output.MD5OfMessageBody);
  return output.MessageId;
}

/** Sends up to ten messages; answers which SQS took and which it refused. */
export async function sendMessageBatch(input: SendMessageBatchInput): Promise<SendMessageBatchOutput> {
  const output = await callJson<SendMessageBatchOutput>(sqsService, 'SendMessageBatch', input);
  const bodies = new Map(input.Entries.map((entry) => [entry.Id, entry.MessageBody]));
  for (const taken of output.Successful ?? [])
    checkDigest(bodies.get(taken.Id) ?? '', taken.MD5OfMessageBody);
  return output;
}

/** Hides a received message for `VisibilityTimeout` seconds more. */
export async function changeMessageVisibility(input: {
  QueueUrl: string;
  ReceiptHandle: string;
  VisibilityTimeout: number;
}): Promise<void> {
  await callJson(sqsService, 'ChangeMessageVisibility', input);
}
