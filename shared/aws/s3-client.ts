import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { isIP } from 'node:net';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, Provider, SourceData } from '@smithy/types';
import { runtimeEnv } from '#shared/env.ts';
import { withRetries } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';
import * as z from '#shared/zod.ts';

/**
 * A small S3 object client: signed REST requests for the few object operations Mailroom
 * makes (`shared/aws/s3.ts`). The SDK's S3 client weighs about 190 KB in every bundle
 * that touches S3, most of it a service model that cannot be tree-shaken; these requests
 * need only a signer (the one the SDK itself signs with) and `fetch`.
 *
 * Configured from the same places as the SDK: the region from `AWS_REGION`, the endpoint
 * from `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`; the local platform points it at
 * fauxqs), credentials from the SDK's default provider (in Lambda bundles, the
 * environment's role credentials with their session token).
 */

/** An S3 error answer, named by its `<Code>` as the SDK names its errors (`NoSuchKey`, `AccessDenied`, …). */
export class S3Error extends Error {
  /** The HTTP status S3 answered with. */
  readonly statusCode: number;

  constructor(name: string, message: string, statusCode: number) {
    super(message);
    this.name = name;
    this.statusCode = statusCode;
  }
}

/** One object request: the bucket and key, the sub-resource (`uploadId`, …) and headers. */
export interface ObjectRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD';
  bucket: string;
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

/** SHA-256 and HMAC-SHA-256 for the signer, from node:crypto. */
export class NodeSha256 implements Checksum {
  private readonly secret: SourceData | undefined;
  private hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.secret = secret;
    this.hash = this.fresh();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const secret = typeof this.secret === 'string' ? this.secret : toBytes(this.secret);
    return createHmac('sha256', secret);
  }
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
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

const env = runtimeEnv({
  AWS_REGION: z.string().check(z.minLength(1)),
  AWS_ENDPOINT_URL_S3: z.optional(z.url()),
  AWS_ENDPOINT_URL: z.optional(z.url()),
});

/** S3's endpoint: the configured one, or the region's public one. */
function endpointOf(region: string): URL {
  const configured = env().AWS_ENDPOINT_URL_S3 ?? env().AWS_ENDPOINT_URL;
  if (configured) return new URL(configured);
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://s3.${region}.${suffix}`);
}

/** The hash of an empty payload, which GET, HEAD and DELETE sign. */
const emptyPayloadHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

interface Client {
  region: string;
  endpoint: URL;
  signer: SignatureV4;
}

let client: Client | undefined;

/** S3's SigV4 signer: the SDK's own, hashing with node:crypto. */
export function s3Signer(
  region: string,
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>,
) {
  return new SignatureV4({
    service: 's3',
    region,
    credentials,
    sha256: NodeSha256,
    // S3 signs the path as sent, not escaped a second time.
    uriEscapePath: false,
    applyChecksum: true,
  });
}

/**
 * Built at first use, so importing this module reads no environment. The default provider
 * keeps its credentials and reads them again when they near expiry.
 */
function clientOf(): Client {
  if (client) return client;
  const region = env().AWS_REGION;
  client = { region, endpoint: endpointOf(region), signer: s3Signer(region, defaultProvider()) };
  return client;
}

/** The error an S3 answer carries: its XML `<Code>` and `<Message>`, or its status when it has no body (HEAD). */
export function errorOf(status: number, body: string): S3Error {
  const field = (name: string) =>
    new RegExp(`<${name}>([^<]*)</${name}>`)
      .exec(body)?.[1]
      ?.replace(/&(lt|gt|quot|apos|amp);/g, (_, entity) => {
        const characters: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
        return characters[entity] ?? '';
      });
  const fallback = status === 404 ? 'NotFound' : status === 403 ? 'Forbidden' : 'UnknownError';
  const name = field('Code') ?? fallback;
  return new S3Error(name, field('Message') ?? `S3 answered ${status} ${name}`, status);
}

/** Statuses and codes the SDK retries: throttling, S3's 5xx, and no answer at all. */
function retryable(error: unknown): boolean {
  if (!(error instanceof S3Error)) return error instanceof TypeError; // fetch's network failure
  return (
    error.statusCode === 429 ||
    error.statusCode >= 500 ||
    ['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'RequestTimeTooSkewed'].includes(
      error.name,
    )
  );
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
  const payloadHash = request.body
    ? createHash('sha256').update(request.body).digest('hex')
    : emptyPayloadHash;
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host, 'x-amz-content-sha256': payloadHash },
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
 * returns S3's answer; an error answer throws an `S3Error`.
 */
export async function sendObjectRequest(request: ObjectRequest): Promise<Response> {
  const { signer, endpoint } = clientOf();
  return withRetries(
    settings().retries.objectStorage,
    async () => {
      const { url, headers } = await signedRequest(request, signer, endpoint);
      const response = await fetch(url, { method: request.method, headers, body: request.body });
      if (response.ok) return response;
      throw errorOf(response.status, request.method === 'HEAD' ? '' : await response.text());
    },
    retryable,
  );
}
