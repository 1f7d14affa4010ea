/**
 * The cold-start yardstick: the smallest useful function on the same SDK, bundled with the
 * stack's esbuild settings, that reads one item (DynamoDB GetItem) and sends one message
 * (SQS SendMessage), the two round trips every accepted email makes. The bundles bench
 * prints every function's cold start as a ratio to this one's, measured in the same run,
 * so the figures compare code, not machines. No Powertools, middleware or schemas: what
 * those cost is what the ratios show. The bench gives it the table and a queue of its own
 * (`BASELINE_QUEUE_URL`), so its message reaches no worker.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

const dynamodb = new DynamoDBClient({});
const sqs = new SQSClient({});

export const handler = async () => {
  const item = await dynamodb.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: { S: 'BENCH#baseline' }, sk: { S: 'BENCH#baseline' } },
    }),
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.BASELINE_QUEUE_URL,
      MessageBody: JSON.stringify({ baseline: true, found: item.Item !== undefined }),
    }),
  );
  return { statusCode: 200 };
};
