import type { SignatureV4 } from '@smithy/signature-v4';
import {
  AwsServiceError,
  awsCredentials,
  awsRegion,
  configuredEndpoint,
  payloadHash,
  regionalEndpoint,
  type SignedInit,
  sendWithRetries,
  signerFor,
} from '#shared/aws/signed-request.ts';

/**
 * Calls to the AWS services that speak the JSON protocol (an operation named in
 * `X-Amz-Target`, its input and output as JSON), for those whose SDK client would cost
 * a bundle far more than the few calls made of them: SQS and Secrets Manager.
 */
export interface JsonService {
  /** The signing name and endpoint prefix (`sqs`). */
  readonly name: string;
  /** The `AWS_ENDPOINT_URL_<…>` suffix the SDK reads the service's endpoint from. */
  readonly endpointVariable: string;
  /** The `X-Amz-Target` prefix (`AmazonSQS`). */
  readonly targetPrefix: string;
  /** The protocol's version: `1.0` or `1.1`. */
  readonly jsonVersion: '1.0' | '1.1';
}

export const sqsService: JsonService = {
  name: 'sqs',
  endpointVariable: 'SQS',
  targetPrefix: 'AmazonSQS',
  jsonVersion: '1.0',
};

export const secretsManagerService: JsonService = {
  name: 'secretsmanager',
  endpointVariable: 'SECRETS_MANAGER',
  targetPrefix: 'secretsmanager',
  jsonVersion: '1.1',
};

/** The error a JSON answer carries, named as the SDK names it (`QueueDoesNotExist`, `ResourceNotFoundException`). */
export function jsonErrorOf(
  status: number,
  headers: { get(name: string): string | null },
  body: string,
): AwsServiceError {
  let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    // Not JSON (a proxy's page): the status names it.
  }
  const type = headers.get('x-amzn-errortype') ?? (typeof parsed.__type === 'string' ? parsed.__type : '');
  const name = type.split(':')[0]?.split('#').pop() || `Http${status}Error`;
  const message = parsed.message ?? parsed.Message;
  return new AwsServiceError(name, typeof message === 'string' ? message : `${name} (${status})`, status);
}

/** Signs one call (SigV4) and returns what to send. */
export async function signedCall(
  service: JsonService,
  operation: string,
  input: unknown,
  signer: SignatureV4,
  endpoint: URL,
  signingDate = new Date(),
): Promise<{ url: URL; init: SignedInit }> {
  const body = Buffer.from(JSON.stringify(input));
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: endpoint.pathname,
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': `application/x-amz-json-${service.jsonVersion}`,
        'x-amz-target': `${service.targetPrefix}.${operation}`,
        'x-amz-content-sha256': payloadHash(body),
      },
      body,
    },
    { signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  return { url: endpoint, init: { method: 'POST', headers, body } };
}

const clients = new Map<string, { endpoint: URL; signer: SignatureV4 }>();

function clientOf(service: JsonService) {
  let client = clients.get(service.name);
  if (!client) {
    const region = awsRegion();
    client = {
      endpoint: configuredEndpoint(service.endpointVariable) ?? regionalEndpoint(service.name, region),
      signer: signerFor(service.name, region, awsCredentials()),
    };
    clients.set(service.name, client);
  }
  return client;
}

/**
 * Calls `operation` of `service` with `input` and returns its output, retried as the SDK
 * retries (throttles, 5xx, no answer); an error answer throws an `AwsServiceError`.
 */
export function callJson<Output>(service: JsonService, operation: string, input: unknown): Promise<Output> {
  const { endpoint, signer } = clientOf(service);
  return sendWithRetries(
    () => signedCall(service, operation, input, signer, endpoint),
    (answer) => {
      const text = answer.text();
      if (!answer.ok) throw jsonErrorOf(answer.status, answer.headers, text);
      return (text ? JSON.parse(text) : {}) as Output;
    },
  );
}
