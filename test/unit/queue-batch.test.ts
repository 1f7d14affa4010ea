import { describe, expect, it } from 'vitest';
import { type SendBatch, sendQueueBatch } from '#shared/aws/queue-batch.ts';
import type { SendMessageBatchInput } from '#shared/aws/sqs.ts';

/** A queue that takes every entry but those `refuse` names (by body), as SQS answers in `Failed`. */
function fakeQueue(refuse: (body: unknown, call: number) => { senderFault: boolean } | undefined) {
  const requests: SendMessageBatchInput[] = [];
  const taken: unknown[] = [];
  const send: SendBatch = async (input) => {
    requests.push(input);
    const Failed = [];
    for (const entry of input.Entries ?? []) {
      const body = JSON.parse(entry.MessageBody ?? 'null');
      const refusal = refuse(body, requests.length);
      if (refusal)
        Failed.push({
          Id: entry.Id,
          Code: refusal.senderFault ? 'InvalidMessageContents' : 'InternalError',
          SenderFault: refusal.senderFault,
        });
      else taken.push(body);
    }
    return { Failed };
  };
  return { send, requests, taken };
}

const pause = async () => undefined;

describe('sendQueueBatch', () => {
  it('sends ten to a request, with each entry’s delay', async () => {
    const queue = fakeQueue(() => undefined);
    const entries = Array.from({ length: 23 }, (_, i) => ({ body: { i }, delaySeconds: i % 2 }));
    expect(await sendQueueBatch('url', entries, { send: queue.send, pause })).toEqual([]);
    expect(queue.requests.map((request) => request.Entries?.length)).toEqual([10, 10, 3]);
    expect(queue.requests[0]?.Entries?.[1]).toMatchObject({
      Id: '1',
      MessageBody: '{"i":1}',
      DelaySeconds: 1,
    });
    expect(queue.taken).toHaveLength(23);
  });

  it('sends again only the entries SQS refused for its own reasons, until taken', async () => {
    const queue = fakeQueue((body, call) =>
      (body as { i: number }).i === 4 && call < 3 ? { senderFault: false } : undefined,
    );
    const entries = Array.from({ length: 6 }, (_, i) => ({ body: { i } }));
    expect(await sendQueueBatch('url', entries, { send: queue.send, pause })).toEqual([]);
    expect(queue.requests.map((request) => request.Entries?.map((entry) => entry.Id))).toEqual([
      ['0', '1', '2', '3', '4', '5'],
      ['4'],
      ['4'],
    ]);
    expect(queue.taken).toHaveLength(6);
  });

  it('answers entries refused for what they are at once, and those still refused after the last try', async () => {
    const queue = fakeQueue((body) => {
      const { i } = body as { i: number };
      if (i === 1) return { senderFault: true };
      if (i === 12) return { senderFault: false };
      return undefined;
    });
    const entries = Array.from({ length: 13 }, (_, i) => ({ body: { i } }));
    const refused = await sendQueueBatch('url', entries, { send: queue.send, pause });
    expect(refused.map((entry) => [entry.index, entry.code])).toEqual([
      [1, 'InvalidMessageContents'],
      [12, 'InternalError'],
    ]);
    // Entry 1 once; entry 12 in every try of its chunk (four, the policy's attempts).
    expect(queue.requests.map((request) => request.Entries?.length)).toEqual([10, 3, 1, 1, 1]);
  });
});
