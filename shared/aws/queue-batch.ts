import { queueBody } from '#shared/aws/queue-body.ts';
import {
  type SendMessageBatchInput,
  type SendMessageBatchOutput,
  sendMessageBatch,
} from '#shared/aws/sqs.ts';
import { chunksOf } from '#shared/in-parallel.ts';
import { untilAllTaken } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';

/** One message of a batch: its body (any JSON value) and its delay on the queue. */
export interface QueueEntry {
  body: unknown;
  delaySeconds?: number;
}

/** An entry the queue did not take, with SQS's reason. */
export interface RefusedEntry {
  index: number;
  code: string;
  message: string;
}

/** One SendMessageBatch request (tests pass their own queue). */
export type SendBatch = (input: SendMessageBatchInput) => Promise<Pick<SendMessageBatchOutput, 'Failed'>>;

const sendBatch: SendBatch = sendMessageBatch;

/**
 * Sends messages to a queue ten to a request (SQS's most). Entries SQS refused for a
 * reason of its own (`SenderFault` false: throttled, an internal error) are sent again
 * after a backoff pause (`settings().retries.queueBatch`); entries refused for what they
 * are, or still refused after the last try, are answered by their index in `entries`.
 * A request that fails as a whole throws.
 */
export async function sendQueueBatch(
  queueUrl: string,
  entries: QueueEntry[],
  options: { send?: SendBatch; pause?: (ms: number) => Promise<unknown> } = {},
): Promise<RefusedEntry[]> {
  const send = options.send ?? sendBatch;
  const refused: RefusedEntry[] = [];
  const indexed = entries.map((entry, index) => ({ ...entry, index }));
  for (const chunk of chunksOf(indexed, 10)) {
    const last = new Map<number, RefusedEntry>();
    const attempt = async (pending: typeof chunk) => {
      const { Failed = [] } = await send({
        QueueUrl: queueUrl,
        Entries: pending.map((entry) => ({
          Id: String(entry.index),
          MessageBody: queueBody(entry.body),
          ...(entry.delaySeconds === undefined ? {} : { DelaySeconds: entry.delaySeconds }),
        })),
      });
      const retry = new Set<number>();
      for (const failure of Failed) {
        const index = Number(failure.Id);
        const reason = { index, code: failure.Code ?? 'Unknown', message: failure.Message ?? '' };
        if (failure.SenderFault) refused.push(reason);
        else {
          retry.add(index);
          last.set(index, reason);
        }
      }
      return pending.filter((entry) => retry.has(entry.index));
    };
    const left = await untilAllTaken(settings().retries.queueBatch, chunk, attempt, options.pause);
    for (const entry of left) refused.push(last.get(entry.index) as RefusedEntry);
  }
  return refused.sort((a, b) => a.index - b.index);
}
