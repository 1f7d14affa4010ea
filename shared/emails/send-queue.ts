import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { queueBody } from '#shared/aws/queue-body.ts';
import { sqs } from '#shared/aws/sqs.ts';
import type { SendMessage } from '#shared/emails/email-payload.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv('sendQueue:send', { SEND_QUEUE_URL: z.string().check(z.url()) });
const bulkEnv = capabilityEnv(['bulkQueue:send', 'bulkQueue:consume'], {
  BULK_QUEUE_URL: z.string().check(z.url()),
});

/** Puts one accepted email on the send queue. */
export type QueueEmail = (message: SendMessage, delaySeconds: number) => Promise<void>;

export const queueEmail: QueueEmail = async (message, delaySeconds) => {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: env().SEND_QUEUE_URL,
      MessageBody: queueBody(message),
      DelaySeconds: delaySeconds,
    }),
  );
};

/** Puts one campaign email back on the bulk send queue (after a deferral). */
export const queueBulkEmail: QueueEmail = async (message, delaySeconds) => {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: bulkEnv().BULK_QUEUE_URL,
      MessageBody: queueBody(message),
      DelaySeconds: delaySeconds,
    }),
  );
};

/** Puts campaign emails on the bulk send queue, ten to a request; throws if the queue refused any. */
export async function queueBulkEmails(messages: SendMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const chunk = messages.slice(start, start + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: bulkEnv().BULK_QUEUE_URL,
        Entries: chunk.map((message, index) => ({ Id: String(index), MessageBody: queueBody(message) })),
      }),
    );
    if (Failed.length > 0)
      throw new Error(`The bulk send queue refused ${Failed.length} emails: ${Failed[0]?.Code}`);
  }
}

interface Waiting {
  message: SendMessage;
  delaySeconds: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Queues the emails of one request (a batch's rows, accepted a few at a time) ten to an
 * SQS request: a message waits until ten are waiting, or until every row still being
 * accepted (`accepting()`) is waiting, and each learns whether the queue took it. The
 * request calls `settle()` when a row finishes without queueing (a refused row), since
 * the others may then be all that is left.
 */
export function batchedQueue(accepting: () => number): QueueEmail & { settle: () => void } {
  const waiting: Waiting[] = [];
  const flush = async (chunk: Waiting[]) => {
    try {
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: env().SEND_QUEUE_URL,
          Entries: chunk.map((entry, index) => ({
            Id: String(index),
            MessageBody: queueBody(entry.message),
            DelaySeconds: entry.delaySeconds,
          })),
        }),
      );
      const failed = new Map(Failed.map((failure) => [failure.Id, failure]));
      chunk.forEach((entry, index) => {
        const failure = failed.get(String(index));
        if (failure)
          entry.reject(new Error(`The send queue refused the email: ${failure.Code} ${failure.Message}`));
        else entry.resolve();
      });
    } catch (error) {
      for (const entry of chunk) entry.reject(error as Error);
    }
  };
  const settle = () => {
    while (waiting.length >= 10) void flush(waiting.splice(0, 10));
    if (waiting.length > 0 && waiting.length >= accepting()) void flush(waiting.splice(0));
  };
  const queue = (message: SendMessage, delaySeconds: number) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ message, delaySeconds, resolve, reject });
      settle();
    });
  return Object.assign(queue, { settle });
}
