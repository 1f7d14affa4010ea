import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { writeIf } from '#shared/aws/dynamodb.ts';

describe('writeIf', () => {
  it('answers a write that was made with DynamoDB’s answer', async () => {
    expect(await writeIf(Promise.resolve({ Attributes: { count: 1 } }))).toEqual({
      written: true,
      answer: { Attributes: { count: 1 } },
    });
  });

  it('answers a condition that did not hold with the item as it was, never throwing', async () => {
    const refused = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
      Item: { status: { S: 'sent' } },
    });
    expect(await writeIf(Promise.reject(refused))).toEqual({
      written: false,
      current: { status: { S: 'sent' } },
    });
    const noItem = new ConditionalCheckFailedException({ message: 'no item', $metadata: {} });
    expect(await writeIf(Promise.reject(noItem))).toEqual({ written: false, current: undefined });
  });

  it('throws any other error', async () => {
    await expect(writeIf(Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
  });
});
