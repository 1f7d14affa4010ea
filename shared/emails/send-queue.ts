import { sendQueueBatch } from '#shared/aws/queue-batch.ts';
import { queueBody } from '#shared/aws/queue-body.ts';
import { sendMessage } from '#shared/aws/sqs.ts';
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
  await sendMessage({
    QueueUrl: env().SEND_QUEUE_URL,
    MessageBody: queueBody(message),
    DelaySeconds: delaySeconds,
  });
};

/** Puts one campaign email back on the bulk send queue (after a deferral). */
export const queueBulkEmail: QueueEmail = async (message, delaySeconds) => {
  await sendMessage({
    QueueUrl: bulkEnv().BULK_QUEUE_URL,
    MessageBody: queueBody(message),
    DelaySeconds: delaySeconds,
  });
};

/** Puts campaign emails on the bulk send queue (see `sendQueueBatch`); throws if the queue refused any. */
export async function queueBulkEmails(messages: SendMessage[]): Promise<void> {
  const refused = await sendQueueBatch(
    bulkEnv().BULK_QUEUE_URL,
    messages.map((message) => ({ body: message })),
  );
  if (refused.length > 0)
    throw new Error(`The bulk send queue refused ${refused.length} emails: ${refused[0]?.code}`);
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
      const refused = await sendQueueBatch(
        env().SEND_QUEUE_URL,
        chunk.map((entry) => ({ body: entry.message, delaySeconds: entry.delaySeconds })),
      );
      const failed = new Map(refused.map((failure) => [failure.index, failure]));
      chunk.forEach((entry, index) => {
        const failure = failed.get(index);
        if (failure)
          entry.reject(new Error(`The send queue refused the email: ${failure.code} ${failure.message}`));
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
