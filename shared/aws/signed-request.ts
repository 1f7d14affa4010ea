import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, Checksum, Provider, SourceData } from '@smithy/types';
import { runtimeEnv } from '#shared/env.ts';
import { withRetries } from '#shared/retry/backoff.ts';
import { settings } from '#shared/settings.ts';
import * as z from '#shared/zod.ts';

/**
 * Signed requests to AWS without a service's SDK client: the SDK's own SigV4 signer
 * (already in every bundle through DynamoDB), node:http(s) as the SDK's own handler uses
 * (not `fetch`, whose first call loads a whole HTTP client: 60 ms and more of a cold
 * start), and the SDK's retry schedule.
 * For services whose SDK client costs a bundle far more than the few calls Mailroom makes
 * of them (S3 objects, SQS sends, one secret). Configured from the same places as the
 * SDK: the region from `AWS_REGION`, credentials from the SDK's default provider (in
 * Lambda bundles, the role's credentials in the environment, session token included).
 */

/** An error answer of an AWS service, shaped as the SDK shapes its errors (`name`, `$fault`, `$metadata`). */
export class AwsServiceError extends Error {
  /** `server` for a 5xx answer (worth trying again), `client` otherwise. */
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number };

  constructor(name: string, message: string, statusCode: number) {
    super(message);
    this.name = name;
    this.$fault = statusCode >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: statusCode };
  }

  get statusCode(): number {
    return this.$metadata.httpStatusCode;
  }
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

/** A SigV4 signer for one service (its signing name) in one region. */
export function signerFor(
  service: string,
  region: string,
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>,
) {
  return new SignatureV4({
    service,
    region,
    credentials,
    sha256: NodeSha256,
    // S3 signs the path as sent; the other services want it escaped again.
    uriEscapePath: service !== 's3',
    applyChecksum: true,
  });
}

const env = runtimeEnv({ AWS_REGION: z.string().check(z.minLength(1)) });

/** The region, as the SDK reads it in Lambda and locally. */
export function awsRegion(): string {
  return env().AWS_REGION;
}

/**
 * A service's configured endpoint, read as the SDK reads it: `AWS_ENDPOINT_URL_<SERVICE>`
 * (the local platform sets one per stand-in), else `AWS_ENDPOINT_URL`; none means AWS's.
 */
export function configuredEndpoint(serviceVariable: string): URL | undefined {
  const configured = process.env[`AWS_ENDPOINT_URL_${serviceVariable}`] ?? process.env.AWS_ENDPOINT_URL;
  return configured ? new URL(configured) : undefined;
}

/** AWS's endpoint of a service in a region (`sqs.eu-west-1.amazonaws.com`). */
export function regionalEndpoint(prefix: string, region: string): URL {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${prefix}.${region}.${suffix}`);
}

let credentials: Provider<AwsCredentialIdentity> | undefined;

/** The SDK's default credentials, read at first use (the provider keeps them until they near expiry). */
export function awsCredentials(): Provider<AwsCredentialIdentity> {
  credentials ??= defaultProvider();
  return credentials;
}

/** The hex SHA-256 of a request body, which SigV4 signs. */
export function payloadHash(body: Uint8Array | undefined): string {
  return createHash('sha256')
    .update(body ?? new Uint8Array())
    .digest('hex');
}

/** Codes the SDK retries besides 5xx answers: throttles and timeouts. */
const retriedCodes =
  /^(Throttling|ThrottlingException|ThrottledException|RequestThrottledException|TooManyRequestsException|RequestLimitExceeded|RequestThrottled|SlowDown|RequestTimeout)$/;

/** The errors the SDK's standard retry strategy tries again: throttles, 5xx, 429, and a request that got no answer. */
function retryable(error: unknown): boolean {
  if (!(error instanceof AwsServiceError)) return typeof (error as { code?: unknown }).code === 'string';
  return error.$fault === 'server' || error.statusCode === 429 || retriedCodes.test(error.name);
}

/** A request as signed: method, headers (the host comes from the URL), body. */
export interface SignedInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** A service's answer, its body read whole (Mailroom's objects and messages are small enough). */
export interface AwsAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): string;
}

let agents: { http: HttpAgent; https: HttpsAgent } | undefined;

/** One request over node:http(s), connections kept alive between calls as the SDK keeps them. */
function exchange(url: URL, init: SignedInit): Promise<AwsAnswer> {
  agents ??= { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const secure = url.protocol === 'https:';
  const headers = init.body ? { ...init.headers, 'content-length': String(init.body.length) } : init.headers;
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(
      url,
      { method: init.method, headers, agent: secure ? agents?.https : agents?.http },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          const body = Buffer.concat(chunks);
          resolve({
            status,
            ok: status >= 200 && status < 300,
            headers: {
              get: (name) => {
                const value = response.headers[name.toLowerCase()];
                return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
              },
            },
            text: () => body.toString('utf8'),
          });
        });
      },
    );
    request.once('error', reject);
    request.end(init.body);
  });
}

/**
 * Sends a request built (and signed) afresh for every try, with the SDK's standard
 * retries; `check` turns an answer into the result or an `AwsServiceError`. A request
 * that got no answer throws the system error (`ECONNREFUSED`, …), as the SDK's does.
 */
export function sendWithRetries<T>(
  attempt: () => Promise<{ url: URL; init: SignedInit }>,
  check: (answer: AwsAnswer) => T,
): Promise<T> {
  return withRetries(
    settings().retries.awsRequest,
    async () => {
      const { url, init } = await attempt();
      return check(await exchange(url, init));
    },
    retryable,
  );
}
