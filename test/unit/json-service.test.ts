import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { HttpRequest } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonErrorOf, signedCall, sqsService } from '#shared/aws/json-service.ts';
import { signerFor } from '#shared/aws/signed-request.ts';
import { changeMessageVisibility, sendMessage, sendMessageBatch } from '#shared/aws/sqs.ts';
import { serveAsAws } from './fixtures/fake-aws.ts';

const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const signingDate = new Date('2026-01-02T03:04:05Z');
const input = {
  QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/mailroom-send',
  MessageBody: '{"a":1}',
};

describe('a JSON-protocol call', () => {
  afterEach(() => vi.useRealTimers());

  it("is the SDK's SQS SendMessage: same target, content type, body and endpoint, signed the same way", async () => {
    let sent: HttpRequest | undefined;
    const sdk = new SQSClient({
      region: 'eu-west-1',
      // AWS's own endpoint, whatever AWS_ENDPOINT_URL_* another test left set.
      ignoreConfiguredEndpointUrls: true,
      credentials,
      requestHandler: {
        handle: async (request: HttpRequest) => {
          sent = request;
          throw new Error('captured');
        },
      },
    });
    vi.useFakeTimers({ toFake: ['Date'], now: signingDate });
    await sdk.send(new SendMessageCommand(input)).catch(() => undefined);
    if (!sent) throw new Error('the SDK sent nothing');

    const ours = await signedCall(
      sqsService,
      'SendMessage',
      input,
      signerFor('sqs', 'eu-west-1', credentials),
      new URL('https://sqs.eu-west-1.amazonaws.com'),
      signingDate,
    );
    const headers = ours.init.headers as Record<string, string>;

    expect(`${sent.protocol}//${sent.hostname}${sent.path}`).toBe(ours.url.href);
    expect(headers['x-amz-target']).toBe(sent.headers['x-amz-target']);
    expect(headers['content-type']).toBe(sent.headers['content-type']);
    expect(JSON.parse(String(ours.init.body))).toEqual(JSON.parse(String(sent.body)));
    // The SDK's request, signed again by our signer, carries the SDK's own signature.
    const { authorization, ...unsigned } = sent.headers;
    const resigned = await signerFor('sqs', 'eu-west-1', credentials).sign(
      { ...sent, headers: unsigned },
      { signingDate },
    );
    expect(resigned.headers.authorization).toBe(authorization);
  });

  it('names an error answer as the SDK does, from its type', () => {
    const error = jsonErrorOf(
      400,
      new Headers(),
      '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
    );
    expect([error.name, error.message, error.$fault, error.$metadata.httpStatusCode]).toEqual([
      'QueueDoesNotExist',
      'The specified queue does not exist.',
      'client',
      400,
    ]);
    expect(
      jsonErrorOf(500, new Headers({ 'x-amzn-errortype': 'InternalFailure:http://internal' }), '').$fault,
    ).toBe('server');
    expect(
      jsonErrorOf(400, new Headers(), '{"__type":"ResourceNotFoundException","Message":"No secret"}').name,
    ).toBe('ResourceNotFoundException');
  });
});

describe('SQS calls against a server on 127.0.0.1', () => {
  const seen: { target: string; body: Record<string, unknown> }[] = [];
  let answer: (target: string, body: Record<string, unknown>) => { status: number; body: unknown } = () => ({
    status: 200,
    body: {},
  });
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const target = String(request.headers['x-amz-target']);
    seen.push({ target, body });
    const { status, body: out } = answer(target, body);
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(JSON.stringify(out));
  });
  serveAsAws(server, 'AWS_ENDPOINT_URL_SQS');
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');

  const reset = (next: typeof answer) => {
    seen.splice(0);
    answer = next;
  };

  it('sends a message and checks the digest of the body SQS stored', async () => {
    reset((_, body) => ({
      status: 200,
      body: { MessageId: 'm-1', MD5OfMessageBody: md5(String(body.MessageBody)) },
    }));
    expect(await sendMessage({ QueueUrl: 'http://q/1/send', MessageBody: 'hello', DelaySeconds: 3 })).toBe(
      'm-1',
    );
    expect(seen).toEqual([
      {
        target: 'AmazonSQS.SendMessage',
        body: { QueueUrl: 'http://q/1/send', MessageBody: 'hello', DelaySeconds: 3 },
      },
    ]);

    reset(() => ({ status: 200, body: { MessageId: 'm-2', MD5OfMessageBody: md5('another') } }));
    await expect(sendMessage({ QueueUrl: 'http://q/1/send', MessageBody: 'hello' })).rejects.toThrow(
      /digest/,
    );
  });

  it('answers the entries of a batch SQS refused, with their fault', async () => {
    reset(() => ({
      status: 200,
      body: {
        Successful: [{ Id: '0', MessageId: 'm', MD5OfMessageBody: md5('a') }],
        Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
      },
    }));
    const output = await sendMessageBatch({
      QueueUrl: 'http://q/1/send',
      Entries: [
        { Id: '0', MessageBody: 'a' },
        { Id: '1', MessageBody: 'b' },
      ],
    });
    expect(output.Failed).toEqual([{ Id: '1', Code: 'InternalError', SenderFault: false }]);
  });

  it('throws an error answer named by its type, and retries a throttle', async () => {
    reset(() => ({ status: 400, body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'gone' } }));
    await expect(
      changeMessageVisibility({ QueueUrl: 'http://q/1/gone', ReceiptHandle: 'r', VisibilityTimeout: 5 }),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist', $fault: 'client' });
    expect(seen).toHaveLength(1);

    reset(() =>
      seen.length === 1
        ? { status: 400, body: { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'slow down' } }
        : { status: 200, body: {} },
    );
    await changeMessageVisibility({ QueueUrl: 'http://q/1/send', ReceiptHandle: 'r', VisibilityTimeout: 5 });
    expect(seen.map(({ target }) => target)).toEqual([
      'AmazonSQS.ChangeMessageVisibility',
      'AmazonSQS.ChangeMessageVisibility',
    ]);
  });
});
