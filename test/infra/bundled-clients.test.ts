import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/constructs/lambda-defaults.ts';

/** What a client sent: which operation, and its body. */
interface Received {
  target: string;
  method: string;
  path: string;
  body: string;
}

/**
 * AWS as far as the clients can tell, on 127.0.0.1:0: DynamoDB's and SQS's JSON protocols
 * (the operation in `x-amz-target`) and S3's REST PUT, each answered as the service would.
 */
async function fakeAws() {
  const received: Received[] = [];
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const server = createServer(async (request, response) => {
    const body = await read(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    received.push({ target, method: request.method ?? '', path: request.url ?? '', body });
    if (target === 'AmazonSQS.SendMessage') {
      const { MessageBody } = JSON.parse(body) as { MessageBody: string };
      const md5 = createHash('md5').update(MessageBody).digest('hex');
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      response.end(JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5 }));
      return;
    }
    if (target.startsWith('DynamoDB_20120810.')) {
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      response.end(JSON.stringify({ Item: { pk: { S: 'found' } } }));
      return;
    }
    response.setHeader('etag', '"e"');
    response.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A function using the three clients Mailroom's API functions use most (SQS and S3: through Mailroom's own small clients), bundled as `cdk deploy` bundles it. */
const entry = `
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { putObject } from '#shared/aws/s3.ts';
import { sendMessage } from '#shared/aws/sqs.ts';

export async function handler() {
  const item = await new DynamoDBClient({}).send(
    new GetItemCommand({ TableName: 'table', Key: { pk: { S: 'key' } } }),
  );
  await sendMessage({ QueueUrl: String(process.env.QUEUE_URL), MessageBody: 'hello' });
  await putObject('bucket', 'object', Buffer.from('payload'), { contentType: 'text/plain' });
  return item.Item?.pk?.S;
}
`;

describe('SDK clients in a Lambda bundle (with its stand-ins for unused SDK parts)', () => {
  let aws: Awaited<ReturnType<typeof fakeAws>>;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    aws = await fakeAws();
    dir = await mkdtemp(join(tmpdir(), 'mailroom-bundle-'));
  });
  afterAll(async () => {
    process.env = saved;
    aws.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('resolve their configuration, sign and send, and read the answers', async () => {
    const outfile = join(dir, 'index.mjs');
    await build({
      ...esbuildOptions,
      stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts', sourcefile: 'entry.ts' },
      outfile,
      logLevel: 'silent',
    });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
      AWS_SECRET_ACCESS_KEY: 'bundle-test-secret',
      AWS_ENDPOINT_URL_DYNAMODB: aws.url,
      AWS_ENDPOINT_URL_SQS: aws.url,
      AWS_ENDPOINT_URL_S3: aws.url,
      QUEUE_URL: `${aws.url}/000000000000/queue`,
    });

    const { handler } = (await import(pathToFileURL(outfile).href)) as { handler: () => Promise<unknown> };

    expect(await handler()).toBe('found');
    expect(
      aws.received.map(({ target, method, path }) => target || `${method} ${path.split('?')[0]}`),
    ).toEqual(['DynamoDB_20120810.GetItem', 'AmazonSQS.SendMessage', 'PUT /bucket/object']);
  });
});
