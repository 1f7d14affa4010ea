import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepIdleConnections, readBody } from '../http-util.ts';
import { isAllowed, type Permission, type PolicyStatement } from './policy.ts';
import { type Arns, type AwsRequest, requestedAccess } from './requests.ts';

/** Who signs with an access key: a function's role, with its synthesized policy. */
export interface Principal {
  /** The function's catalogue id (what metering and logs name). */
  functionId: string;
  /** `arn:aws:sts::…:assumed-role/<role>/<function>`, as AWS names the caller in AccessDenied. */
  arn: string;
  statements: readonly PolicyStatement[];
}

/** One request the gateway answered: let through (the benchmark meters these) or refused. */
export interface GatewayRequest {
  functionId: string;
  service: string;
  operation: string;
  /** The permission the policy lacked, when the request was refused. */
  denied?: Permission;
  /** DynamoDB only, while metering: the capacity it reported, and the error it answered. */
  consumedUnits?: number;
  errorType?: string;
  /** Items of a DynamoDB transaction (billed twice each). */
  transactionItems?: number;
  /** DynamoDB writes only, while metering: the partition keys written (table and index). */
  partitions?: string[];
  /** While metering: when the request came in and when its answer was complete (`performance.now()`). */
  startedAt?: number;
  endedAt?: number;
}

type AttributeMap = Record<string, { S?: string } | undefined>;

/**
 * The partitions a DynamoDB write touches, as `<index>:<partition key>`: the table's
 * `pk` of each item, and the index keys an item put carries (an update's index keys are
 * not in the request; Mailroom's updates leave them as they are).
 */
function writtenPartitions(operation: string, input: Record<string, unknown>): string[] {
  const ofItem = (item: AttributeMap | undefined) => {
    if (!item) return [];
    const keys = [`table:${item.pk?.S}`];
    for (const index of ['gsi1', 'gsi2'])
      if (item[`${index}pk`]?.S) keys.push(`${index}:${item[`${index}pk`]?.S}`);
    return keys;
  };
  if (operation === 'PutItem') return ofItem(input.Item as AttributeMap);
  if (operation === 'UpdateItem' || operation === 'DeleteItem') return ofItem(input.Key as AttributeMap);
  if (operation === 'BatchWriteItem') {
    const requests = Object.values(
      (input.RequestItems ?? {}) as Record<
        string,
        Record<string, { Item?: AttributeMap; Key?: AttributeMap }>[]
      >,
    ).flat();
    return requests.flatMap((request) => ofItem(request.PutRequest?.Item ?? request.DeleteRequest?.Key));
  }
  if (operation === 'TransactWriteItems') {
    const items = (input.TransactItems ?? []) as Record<
      string,
      { Item?: AttributeMap; Key?: AttributeMap }
    >[];
    return items.flatMap((item) => {
      const write = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
      return ofItem(write?.Item ?? write?.Key);
    });
  }
  return [];
}

export type GatewayObserver = (request: GatewayRequest) => void;

/** DynamoDB operations that report consumed capacity when asked. */
const capacityOperations = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

/** `AWS4-HMAC-SHA256 Credential=AKID/20261201/us-east-1/sqs/aws4_request, …` → key and service. */
function credentialOf(request: IncomingMessage): { accessKeyId: string; service: string } | undefined {
  const match = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(
    request.headers.authorization ?? '',
  );
  return match ? { accessKeyId: match[1] ?? '', service: match[2] ?? '' } : undefined;
}

function xml(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

/** The refusal each service's protocol uses, so the SDK throws what it throws on AWS. */
function refuse(
  response: ServerResponse,
  request: AwsRequest,
  code: 'AccessDenied' | 'InvalidClientTokenId',
  message: string,
) {
  const requestId = randomUUID();
  const json = (status: number, headers: OutgoingHttpHeaders, body: unknown) => {
    response.writeHead(status, { 'x-amzn-requestid': requestId, ...headers });
    response.end(JSON.stringify(body));
  };
  const exception = code === 'AccessDenied' ? 'AccessDeniedException' : 'UnrecognizedClientException';
  switch (request.service) {
    case 'dynamodb':
      return json(
        400,
        { 'content-type': 'application/x-amz-json-1.0' },
        {
          __type: `com.amazon.coral.service#${exception}`,
          Message: message,
        },
      );
    case 'sqs':
      if (request.headers['x-amz-target'])
        return json(
          403,
          { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${code};Sender` },
          { __type: `com.amazon.coral.service#${exception}`, message },
        );
      return xml(
        response,
        403,
        `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    case 'sns':
      return xml(
        response,
        403,
        `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code === 'AccessDenied' ? 'AuthorizationError' : code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    case 's3':
      return xml(
        response,
        403,
        `<Error><Code>${code === 'AccessDenied' ? 'AccessDenied' : 'InvalidAccessKeyId'}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      );
    default:
      return json(
        403,
        { 'content-type': 'application/json', 'x-amzn-errortype': `${exception}:` },
        { message },
      );
  }
}

/**
 * Where IAM is enforced locally, as AWS enforces it: at the service. Every function signs
 * its AWS calls with an access key of its own; this gateway, in front of the stand-ins,
 * reads the key from the signature, works out the action and resource each request
 * needs, and checks them against that function's policy as the stack synthesized it. A
 * call the policy does not allow gets the service's own AccessDenied answer; an allowed
 * one goes through unchanged.
 */
export class IamGateway {
  private readonly principals = new Map<string, Principal>();
  private readonly observers = new Set<GatewayObserver>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly server: Server;
  private readonly upstreams: Record<string, string>;
  private readonly arns: Arns;

  private constructor(upstreams: Record<string, string>, arns: Arns) {
    this.upstreams = upstreams;
    this.arns = arns;
    this.server = keepIdleConnections(
      createServer((request, response) => {
        this.handle(request, response).catch((error: unknown) => {
          // A caller that went away (a function timed out, the platform is stopping) needs no answer.
          if (request.destroyed || response.destroyed) return;
          console.error('local IAM gateway failed', error);
          if (!response.headersSent) response.writeHead(502);
          response.end();
        });
      }),
    );
  }

  /** Starts the gateway on 127.0.0.1 in front of each service's stand-in endpoint. */
  static async start(upstreams: Record<string, string>, arns: Arns, port = 0): Promise<IamGateway> {
    const gateway = new IamGateway(upstreams, arns);
    await new Promise<void>((resolve, reject) => {
      gateway.server.once('error', reject);
      gateway.server.listen(port, '127.0.0.1', resolve);
    });
    return gateway;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  register(accessKeyId: string, principal: Principal) {
    this.principals.set(accessKeyId, principal);
  }

  /** Told of every request, let through or refused; returns the unsubscribe. */
  observe(observer: GatewayObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    this.agent.destroy();
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse) {
    const credential = credentialOf(incoming);
    const service = credential?.service ?? 'unknown';
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    // S3 bodies (payloads up to 40 MB) stream through; the path alone says what they do.
    const body = service === 's3' ? Buffer.alloc(0) : await readBody(incoming, 64 * 1024 * 1024);
    if (body === 'too_large') {
      // Larger than any request the stand-ins take (a 40 MB email is a 54 MB SES request).
      response.writeHead(413).end();
      return;
    }
    const request: AwsRequest = {
      service,
      method: incoming.method ?? 'GET',
      url,
      headers: incoming.headers,
      body,
    };
    const principal = credential && this.principals.get(credential.accessKeyId);
    if (!principal) {
      refuse(
        response,
        request,
        'InvalidClientTokenId',
        'The security token included in the request is invalid.',
      );
      return;
    }
    const access = requestedAccess(request, this.arns);
    const denied = access.permissions.find((permission) => !isAllowed(principal.statements, permission));
    if (denied || access.permissions.length === 0) {
      const permission: Permission = denied ?? { action: `${service}:${access.operation}`, resource: '*' };
      const message = `User: ${principal.arn} is not authorized to perform: ${permission.action} on resource: ${permission.resource} because no identity-based policy allows the ${permission.action} action`;
      console.error(
        `local IAM: ${principal.functionId} denied ${permission.action} on ${permission.resource}`,
      );
      refuse(response, request, 'AccessDenied', message);
      for (const observer of this.observers)
        observer({
          functionId: principal.functionId,
          service,
          operation: access.operation,
          denied: permission,
        });
      return;
    }
    await this.forward(incoming, request, response, principal, access.operation);
  }

  private forward(
    incoming: IncomingMessage,
    request: AwsRequest,
    response: ServerResponse,
    principal: Principal,
    operation: string,
  ): Promise<void> {
    const upstream = this.upstreams[request.service];
    if (!upstream) throw new Error(`No local stand-in for ${request.service}`);
    const metering = this.observers.size > 0;
    let body = request.body;
    let transactionItems: number | undefined;
    let partitions: string[] | undefined;
    const startedAt = performance.now();
    if (metering && request.service === 'dynamodb' && capacityOperations.has(operation)) {
      const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      transactionItems = (input.TransactItems as unknown[] | undefined)?.length;
      partitions = writtenPartitions(operation, input);
      body = Buffer.from(JSON.stringify(input));
    }
    const headers = { ...incoming.headers };
    if (request.service !== 's3') headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        new URL(request.url.pathname + request.url.search, upstream),
        { method: request.method, headers, agent: this.agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          if (!metering) {
            answer.pipe(response);
            answer.once('end', resolve);
            answer.once('error', reject);
            return;
          }
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            response.write(chunk);
          });
          answer.once('error', reject);
          answer.once('end', () => {
            response.end();
            this.report(principal, request, operation, Buffer.concat(chunks), {
              transactionItems,
              partitions,
              startedAt,
              endedAt: performance.now(),
            });
            resolve();
          });
        },
      );
      outgoing.once('error', reject);
      if (request.service === 's3') incoming.pipe(outgoing);
      else outgoing.end(body);
    });
  }

  private report(
    principal: Principal,
    request: AwsRequest,
    operation: string,
    answer: Buffer,
    metered: Pick<GatewayRequest, 'transactionItems' | 'partitions' | 'startedAt' | 'endedAt'>,
  ) {
    const { transactionItems, ...timing } = metered;
    const seen: GatewayRequest = {
      functionId: principal.functionId,
      service: request.service,
      operation,
      ...timing,
    };
    if (request.service === 'dynamodb') {
      try {
        const output = JSON.parse(answer.toString('utf8')) as {
          __type?: string;
          ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
        };
        seen.errorType = output.__type?.split('#').pop();
        seen.consumedUnits = [output.ConsumedCapacity ?? []]
          .flat()
          .reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        seen.transactionItems = transactionItems;
      } catch {
        // Not JSON: nothing to count.
      }
    }
    for (const observer of this.observers) observer(seen);
  }
}
