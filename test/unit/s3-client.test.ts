import { createServer } from 'node:http';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getObjectText, putObject } from '#shared/aws/s3.ts';
import { errorOf, sendObjectRequest, signedRequest } from '#shared/aws/s3-client.ts';
import { AwsServiceError, signerFor } from '#shared/aws/signed-request.ts';
import { serveAsAws } from './fixtures/fake-aws.ts';

/** The example credentials of AWS's SigV4 documentation. */
const example = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const exampleDate = new Date('2013-05-24T00:00:00Z');

describe('the S3 request signer', () => {
  it("signs AWS's published GET Object example (virtual-hosted, a Range header) to its published signature", async () => {
    const { url, headers } = await signedRequest(
      { method: 'GET', bucket: 'examplebucket', key: 'test.txt', headers: { range: 'bytes=0-9' } },
      signerFor('s3', 'us-east-1', example),
      new URL('https://s3.amazonaws.com'),
      exampleDate,
    );

    expect(url.href).toBe('https://examplebucket.s3.amazonaws.com/test.txt');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  /** The request the SDK's own S3 client sends for a PutObject, at a fixed time, never leaving the process. */
  async function sdkPut(endpoint: string | undefined, key: string, sessionToken?: string) {
    let sent: HttpRequest | undefined;
    const sdk = new S3Client({
      region: 'eu-west-1',
      endpoint,
      // AWS's own endpoint when none is given, whatever AWS_ENDPOINT_URL_* another test left set.
      ignoreConfiguredEndpointUrls: true,
      credentials: { ...example, sessionToken },
      requestHandler: {
        handle: async (request: HttpRequest) => {
          sent = request;
          return { response: { statusCode: 200, headers: {}, body: undefined } };
        },
      },
    });
    vi.useFakeTimers({ toFake: ['Date'], now: exampleDate });
    await sdk.send(
      new PutObjectCommand({
        Bucket: 'mailroom-assets',
        Key: key,
        Body: Buffer.from('payload'),
        ContentType: 'image/png',
      }),
    );
    if (!sent) throw new Error('the SDK sent nothing');
    return sent;
  }
  afterEach(() => vi.useRealTimers());

  it.each([
    ['on AWS (virtual-hosted)', undefined, 'https://s3.eu-west-1.amazonaws.com', undefined],
    ['on a local stand-in (path style)', 'http://127.0.0.1:4566', 'http://127.0.0.1:4566', undefined],
    [
      'with a session token (Lambda role credentials)',
      undefined,
      'https://s3.eu-west-1.amazonaws.com',
      'token/+=',
    ],
  ])(
    'addresses and signs a PutObject as the SDK does, %s',
    async (_, sdkEndpoint, endpoint, sessionToken) => {
      const key = 'assets/asset_01/My file (1)+ü~*.png';
      const sdk = await sdkPut(sdkEndpoint, key, sessionToken);
      const { authorization: _authorization, 'x-amz-date': _date, ...sdkHeaders } = sdk.headers;

      const ours = await signedRequest(
        // The SDK's own headers and its `x-id` query marker, so only addressing and signing can differ.
        {
          method: 'PUT',
          bucket: 'mailroom-assets',
          key,
          query: { 'x-id': 'PutObject' },
          headers: sdkHeaders,
          body: Buffer.from('payload'),
        },
        signerFor('s3', 'eu-west-1', { ...example, sessionToken }),
        new URL(endpoint),
        exampleDate,
      );

      const sdkUrl = `${sdk.protocol}//${sdk.hostname}${sdk.port ? `:${sdk.port}` : ''}${sdk.path}?x-id=PutObject`;
      expect(sdk.query).toEqual({ 'x-id': 'PutObject' });
      expect(ours.url.href).toBe(sdkUrl);
      expect(ours.headers.authorization).toBe(sdk.headers.authorization);
      expect(ours.headers['x-amz-security-token']).toBe(sdk.headers['x-amz-security-token']);
    },
  );
});

describe('S3 error answers', () => {
  it('are named by their code, as the SDK names them', () => {
    const error = errorOf(
      404,
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
    );
    expect(error).toBeInstanceOf(AwsServiceError);
    expect([error.name, error.message, error.statusCode]).toEqual([
      'NoSuchKey',
      'The specified key does not exist.',
      404,
    ]);
  });

  it('without a body (HEAD) are named by their status', () => {
    expect(errorOf(404, '').name).toBe('NotFound');
    expect(errorOf(403, '').name).toBe('Forbidden');
  });
});

describe('S3 object requests against a server on 127.0.0.1', () => {
  interface Seen {
    method: string;
    url: string;
    authorization: string;
    bytes: number;
    body: string;
  }
  const seen: Seen[] = [];
  let answer: (request: Seen) => { status: number; body?: string; etag?: string } = () => ({ status: 200 });
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const received = {
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: String(request.headers.authorization ?? ''),
      bytes: body.length,
      body: body.length < 4096 ? body.toString('utf8') : '',
    };
    seen.push(received);
    const { status, body: text, etag } = answer(received);
    if (etag) response.setHeader('etag', etag);
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(text ?? '');
  });
  serveAsAws(server, 'AWS_ENDPOINT_URL_S3');

  const reset = (next: typeof answer) => {
    seen.splice(0);
    answer = next;
  };

  it('reads an object, path style, signed with the environment credentials', async () => {
    reset(() => ({ status: 200, body: '{"payload":true}' }));

    expect(await getObjectText('payloads', 'payloads/e_1.json')).toBe('{"payload":true}');
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual(['GET /payloads/payloads/e_1.json']);
    expect(seen[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDUNITTEST\/\d{8}\/us-east-1\/s3\/aws4_request,/,
    );
  });

  it('throws a missing object as NoSuchKey, without retrying it', async () => {
    reset(() => ({ status: 404, body: '<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>' }));

    await expect(getObjectText('payloads', 'missing.json')).rejects.toMatchObject({
      name: 'NoSuchKey',
      statusCode: 404,
    });
    expect(seen).toHaveLength(1);
  });

  it('retries a 503 SlowDown and then succeeds', async () => {
    reset(() =>
      seen.length === 1
        ? { status: 503, body: '<Error><Code>SlowDown</Code></Error>' }
        : { status: 200, body: 'ok' },
    );

    expect(await getObjectText('payloads', 'busy.json')).toBe('ok');
    expect(seen).toHaveLength(2);
  });

  it('uploads a large object in parts and completes it with their ETags', async () => {
    reset(({ method, url }) => {
      if (method === 'POST' && url.endsWith('?uploads='))
        return {
          status: 200,
          body: '<InitiateMultipartUploadResult><UploadId>up/1</UploadId></InitiateMultipartUploadResult>',
        };
      if (method === 'PUT')
        return { status: 200, etag: `"etag-${new URL(url, 'http://x').searchParams.get('partNumber')}"` };
      return {
        status: 200,
        body: '<CompleteMultipartUploadResult><ETag>"all"</ETag></CompleteMultipartUploadResult>',
      };
    });

    await putObject('payloads', 'big.json', Buffer.alloc(9 * 1024 * 1024, 'a'), {
      contentType: 'application/json',
    });

    expect(seen.map(({ method, url, bytes }) => `${method} ${url} ${bytes}`)).toEqual([
      'POST /payloads/big.json?uploads= 0',
      `PUT /payloads/big.json?partNumber=1&uploadId=up%2F1 ${8 * 1024 * 1024}`,
      `PUT /payloads/big.json?partNumber=2&uploadId=up%2F1 ${1024 * 1024}`,
      expect.stringMatching(/^POST \/payloads\/big\.json\?uploadId=up%2F1 \d+$/),
    ]);
    expect(seen[3]?.body).toBe(
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part><ETag>&quot;etag-1&quot;</ETag><PartNumber>1</PartNumber></Part>' +
        '<Part><ETag>&quot;etag-2&quot;</ETag><PartNumber>2</PartNumber></Part>' +
        '</CompleteMultipartUpload>',
    );
  });

  it('aborts a multipart upload whose completion S3 reports failed in a 200 answer', async () => {
    reset(({ method, url }) => {
      if (method === 'POST' && url.endsWith('?uploads='))
        return { status: 200, body: '<UploadId>up-2</UploadId>' };
      if (method === 'PUT') return { status: 200, etag: '"p"' };
      if (method === 'POST')
        return { status: 200, body: '<Error><Code>InternalError</Code><Message>try again</Message></Error>' };
      return { status: 204 };
    });

    await expect(
      putObject('payloads', 'big.json', Buffer.alloc(9 * 1024 * 1024), { contentType: 'application/json' }),
    ).rejects.toMatchObject({ name: 'InternalError' });
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/payloads/big.json?uploadId=up-2' });
  });

  it('deletes an object by its escaped key', async () => {
    reset(() => ({ status: 200 }));
    await sendObjectRequest({ method: 'DELETE', bucket: 'assets', key: 'a b' });
    expect(seen.map(({ method, url }) => `${method} ${url}`)).toEqual(['DELETE /assets/a%20b']);
  });
});
