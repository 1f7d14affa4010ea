import { isIP } from 'node:net';
import { sesOperationOf } from '../ses/ses-server.ts';
import type { Permission } from './policy.ts';

/** An AWS API request as the gateway received it. */
export interface AwsRequest {
  /** The signing name of the credential scope: `dynamodb`, `sqs`, `sns`, `s3`, `ses`. */
  service: string;
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  /** Read for the JSON and query protocols; empty for S3, whose path says it all. */
  body: Buffer;
}

/** What a request asks for: its operation's name, and the permissions IAM checks for it. */
export interface RequestedAccess {
  operation: string;
  permissions: Permission[];
}

export interface Arns {
  region: string;
  account: string;
}

type Json = Record<string, unknown>;

const header = (request: AwsRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function jsonBody(request: AwsRequest): Json {
  try {
    return request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as Json) : {};
  } catch {
    return {};
  }
}

/** A query-protocol body (`Action=…&QueueUrl=…`), or the URL's query. */
function formBody(request: AwsRequest): URLSearchParams {
  return new URLSearchParams(request.body.length > 0 ? request.body.toString('utf8') : request.url.search);
}

function dynamodb(request: AwsRequest, arns: Arns): RequestedAccess {
  const operation = (header(request, 'x-amz-target') ?? '').split('.')[1] ?? 'Unknown';
  const body = jsonBody(request);
  const table = (name: unknown, index?: unknown) =>
    `arn:aws:dynamodb:${arns.region}:${arns.account}:table/${String(name)}${index ? `/index/${String(index)}` : ''}`;
  const on = (action: string, resource: string) => ({ action: `dynamodb:${action}`, resource });
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return {
        operation,
        permissions: Object.keys((body.RequestItems ?? {}) as Json).map((name) => on(operation, table(name))),
      };
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      // Transactions are authorized item by item, by the action each item performs.
      const actions: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
        Get: 'GetItem',
      };
      const items = (body.TransactItems ?? []) as Record<string, { TableName?: string }>[];
      return {
        operation,
        permissions: items.flatMap((item) =>
          Object.entries(item).map(([kind, detail]) => on(actions[kind] ?? kind, table(detail?.TableName))),
        ),
      };
    }
    case 'ListTables':
      return { operation, permissions: [on(operation, '*')] };
    default:
      return { operation, permissions: [on(operation, table(body.TableName, body.IndexName))] };
  }
}

/** SQS authorizes a batch call by the single action it repeats. */
const sqsBatchActions: Record<string, string> = {
  SendMessageBatch: 'SendMessage',
  DeleteMessageBatch: 'DeleteMessage',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibility',
};

function sqs(request: AwsRequest, arns: Arns): RequestedAccess {
  const target = header(request, 'x-amz-target');
  const json = target ? jsonBody(request) : undefined;
  const form = target ? undefined : formBody(request);
  const operation = target?.split('.')[1] ?? form?.get('Action') ?? 'Unknown';
  const queueUrl = String(json?.QueueUrl ?? form?.get('QueueUrl') ?? request.url.href);
  const queueName = json?.QueueName ?? form?.get('QueueName');
  let resource: string;
  if (operation === 'ListQueues') resource = '*';
  else if (queueName !== undefined && queueName !== null)
    resource = `arn:aws:sqs:${arns.region}:${arns.account}:${String(queueName)}`;
  else {
    const [account = arns.account, name = ''] = new URL(queueUrl).pathname.split('/').filter(Boolean);
    resource = `arn:aws:sqs:${arns.region}:${account}:${name}`;
  }
  return { operation, permissions: [{ action: `sqs:${sqsBatchActions[operation] ?? operation}`, resource }] };
}

function sns(request: AwsRequest): RequestedAccess {
  const form = formBody(request);
  const operation = form.get('Action') ?? 'Unknown';
  return { operation, permissions: [{ action: `sns:${operation}`, resource: form.get('TopicArn') ?? '*' }] };
}

function s3(request: AwsRequest): RequestedAccess {
  const host = (header(request, 'host') ?? '').replace(/:\d+$/, '');
  const path = request.url.pathname.split('/').slice(1).map(decodeURIComponent);
  // Virtual-hosted style (`bucket.host`) unless the host is an address or a bare name.
  const virtual = host.includes('.') && isIP(host) === 0 && !host.startsWith('s3.');
  const bucket = virtual ? (host.split('.')[0] ?? '') : (path.shift() ?? '');
  const key = path.join('/');
  const object = `arn:aws:s3:::${bucket}/${key}`;
  const query = request.url.searchParams;
  const on = (operation: string, action: string, resource: string): RequestedAccess => ({
    operation,
    permissions: [{ action: `s3:${action}`, resource }],
  });
  if (!key) {
    if (request.method === 'PUT') return on('CreateBucket', 'CreateBucket', `arn:aws:s3:::${bucket}`);
    if (request.method === 'POST' && query.has('delete'))
      return on('DeleteObjects', 'DeleteObject', `arn:aws:s3:::${bucket}/*`);
    return on('ListObjects', 'ListBucket', `arn:aws:s3:::${bucket}`);
  }
  switch (request.method) {
    case 'GET':
      return on('GetObject', 'GetObject', object);
    case 'HEAD':
      return on('HeadObject', 'GetObject', object);
    case 'DELETE':
      if (query.has('uploadId')) return on('AbortMultipartUpload', 'AbortMultipartUpload', object);
      return on('DeleteObject', 'DeleteObject', object);
    default: {
      const access = on('PutObject', 'PutObject', object);
      const source = header(request, 'x-amz-copy-source');
      if (source) {
        const from = decodeURIComponent(source.replace(/^\//, '').split('?')[0] ?? '');
        access.permissions.push({ action: 's3:GetObject', resource: `arn:aws:s3:::${from}` });
      }
      return access;
    }
  }
}

/** The domain of the first `From:` mailbox of a raw (base64) message's header. */
function rawFromDomain(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const head =
    Buffer.from(raw.slice(0, 96 * 1024), 'base64')
      .toString('latin1')
      .split(/\r?\n\r?\n/)[0] ?? '';
  const from = /^from:(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '';
  return /@([^\s>,;]+)/.exec(from)?.[1];
}

function ses(request: AwsRequest, arns: Arns): RequestedAccess {
  const called = sesOperationOf(request.method, request.url.pathname);
  if (!called) return { operation: 'Unknown', permissions: [{ action: 'ses:Unknown', resource: '*' }] };
  const { operation, params } = called;
  const body = jsonBody(request);
  const prefix = `arn:aws:ses:${arns.region}:${arns.account}:`;
  const identity = (name: unknown) => `${prefix}identity/${String(name)}`;
  const configurationSet = (name: unknown) => `${prefix}configuration-set/${String(name)}`;
  const tenant = (name: unknown) => `${prefix}tenant/${String(name)}`;
  const action = `ses:${operation.replace(/ByPost$/, '')}`;
  const on = (...resources: (string | undefined)[]) => ({
    operation,
    permissions: resources
      .filter((resource) => resource !== undefined)
      .map((resource) => ({ action, resource })),
  });
  const optionalSet = body.ConfigurationSetName ? configurationSet(body.ConfigurationSetName) : undefined;
  switch (operation) {
    case 'CreateEmailIdentity':
      return on(identity(body.EmailIdentity), optionalSet);
    case 'GetEmailIdentity':
    case 'DeleteEmailIdentity':
    case 'PutEmailIdentityMailFromAttributes':
      return on(identity(params[1]));
    case 'PutEmailIdentityConfigurationSetAttributes':
      return on(identity(params[1]), optionalSet);
    case 'CreateConfigurationSet':
      return on(configurationSet(body.ConfigurationSetName));
    case 'CreateConfigurationSetEventDestination':
      return on(configurationSet(params[1]));
    case 'SendEmail': {
      const from = String(body.FromEmailAddress ?? '');
      const content = body.Content as { Raw?: { Data?: unknown } } | undefined;
      const domain = from.includes('@')
        ? from.split('@').pop()?.replace(/>.*$/, '')
        : rawFromDomain(content?.Raw?.Data);
      return on(
        (body.FromEmailAddressIdentityArn as string | undefined) ?? identity(domain),
        optionalSet,
        body.TenantName ? tenant(body.TenantName) : undefined,
      );
    }
    case 'CreateTenant':
    case 'GetTenant':
    case 'DeleteTenant':
    case 'ListTenantResources':
      return on(tenant(body.TenantName));
    case 'CreateTenantResourceAssociation':
    case 'DeleteTenantResourceAssociation':
      return on(tenant(body.TenantName), body.ResourceArn as string | undefined);
    case 'LocalSetIdentityStatus':
    case 'LocalSetQuota':
      // Controls of the local stand-in itself: no AWS principal may call them.
      return { operation, permissions: [{ action: `local:${operation}`, resource: '*' }] };
    default:
      return on('*');
  }
}

function secretsManager(request: AwsRequest, arns: Arns): RequestedAccess {
  const operation = (header(request, 'x-amz-target') ?? '').split('.')[1] ?? 'Unknown';
  const id = String(jsonBody(request).SecretId ?? '');
  // A secret named by name rather than ARN is checked against the ARN pattern of that name.
  const resource = id.startsWith('arn:')
    ? id
    : `arn:aws:secretsmanager:${arns.region}:${arns.account}:secret:${id}-??????`;
  return { operation, permissions: [{ action: `secretsmanager:${operation}`, resource }] };
}

/** The operation a request calls and the permissions AWS would check for it. */
export function requestedAccess(request: AwsRequest, arns: Arns): RequestedAccess {
  switch (request.service) {
    case 'dynamodb':
      return dynamodb(request, arns);
    case 'sqs':
      return sqs(request, arns);
    case 'sns':
      return sns(request);
    case 's3':
      return s3(request);
    case 'ses':
      return ses(request, arns);
    case 'secretsmanager':
      return secretsManager(request, arns);
    default:
      return {
        operation: 'Unknown',
        permissions: [{ action: `${request.service}:Unknown`, resource: '*' }],
      };
  }
}
