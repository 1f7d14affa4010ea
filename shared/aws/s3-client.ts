import { isIP } from 'node:net';
import type { SignatureV4 } from '@smithy/signature-v4';
import {
  type AwsAnswer,
  AwsServiceError,
  awsCredentials,
  awsRegion,
  configuredEndpoint,
  payloadHash,
  regionalEndpoint,
  sendWithRetries,
  signerFor,
} from '#shared/aws/signed-request.ts';

/**
 * A small S3 object client: signed REST requests for the few object operations Mailroom
 * makes (`shared/aws/s3.ts`). The SDK's S3 client weighs about 190 KB in every bundle
 * that touches S3, most of it a service model that cannot be tree-shaken. The endpoint
 * comes from `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`), as the SDK reads it: the
 * local platform points it at fauxqs.
 */

/** One object request: the bucket and key, the sub-resource (`uploadId`, …) and headers. */
export interface ObjectRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  bucket: string;
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** RFC 3986 escaping, as S3 and SigV4 want it in paths and query strings. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A bucket S3 accepts as a host name label (no dots: they break TLS on virtual hosts). */
function isHostLabel(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
}

/**
 * Where an object lives, addressed as the SDK addresses it: virtual-hosted
 * (`bucket.host/key`), or path style (`host/bucket/key`) when the endpoint is an IP
 * address (a local stand-in) or the bucket cannot be a host name.
 */
export function objectUrl(endpoint: URL, bucket: string, key: string): URL {
  const path = key.split('/').map(escapeUri).join('/');
  const base = endpoint.pathname.replace(/\/$/, '');
  const url = new URL(endpoint.href);
  if (isIP(endpoint.hostname.replace(/^\[|\]$/g, '')) !== 0 || !isHostLabel(bucket)) {
    url.pathname = `${base}/${escapeUri(bucket)}/${path}`;
  } else {
    url.hostname = `${bucket}.${endpoint.hostname}`;
    url.pathname = `${base}/${path}`;
  }
  return url;
}

let client: { endpoint: URL; signer: SignatureV4 } | undefined;

/** Built at first use, so importing this module reads no environment. */
function clientOf() {
  client ??= {
    endpoint: configuredEndpoint('S3') ?? regionalEndpoint('s3', awsRegion()),
    signer: signerFor('s3', awsRegion(), awsCredentials()),
  };
  return client;
}

/** The error an S3 answer carries: its XML `<Code>` and `<Message>`, or its status when it has no body (HEAD). */
export function errorOf(status: number, body: string): AwsServiceError {
  const entities: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
  const field = (name: string) =>
    new RegExp(`<${name}>([^<]*)</${name}>`)
      .exec(body)?.[1]
      ?.replace(/&(lt|gt|quot|apos|amp);/g, (_, entity: string) => entities[entity] ?? '');
  const fallback = status === 404 ? 'NotFound' : status === 403 ? 'Forbidden' : 'UnknownError';
  const name = field('Code') ?? fallback;
  return new AwsServiceError(name, field('Message') ?? `S3 answered ${status} ${name}`, status);
}

/** Signs a request (SigV4, the payload hashed into it) and returns what to send. */
export async function signedRequest(
  request: ObjectRequest,
  signer: SignatureV4,
  endpoint: URL,
  signingDate = new Date(),
): Promise<{ url: URL; headers: Record<string, string> }> {
  const url = objectUrl(endpoint, request.bucket, request.key);
  const query = request.query ?? {};
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host, 'x-amz-content-sha256': payloadHash(request.body) },
      body: request.body,
    },
    { signingDate },
  );
  url.search = Object.entries(query)
    .map(([name, value]) => `${escapeUri(name)}=${escapeUri(value)}`)
    .join('&');
  const { host: _host, ...headers } = signed.headers;
  return { url, headers };
}

/**
 * Sends one object request, retried as the SDK retries (throttling, 5xx, no answer), and
 * returns S3's answer; an error answer throws an `AwsServiceError` named by S3's code.
 */
export function sendObjectRequest(request: ObjectRequest): Promise<AwsAnswer> {
  const { signer, endpoint } = clientOf();
  return sendWithRetries(
    async () => {
      const { url, headers } = await signedRequest(request, signer, endpoint);
      return { url, init: { method: request.method, headers, body: request.body } };
    },
    (answer) => {
      if (answer.ok) return answer;
      throw errorOf(answer.status, request.method === 'HEAD' ? '' : answer.text());
    },
  );
}
