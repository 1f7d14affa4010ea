/**
 * Sending domains in the single table.
 *
 * Access patterns (pk / sk):
 * - domain by id ................. DOMAIN#<domainId> / DOMAIN
 * - domain by name (deployment-wide, so one project holds a name; SES identities are
 *   account-wide) ................ DOMAINNAME#<ascii name> / DOMAINNAME → { domainId, projectId, status }
 * - domains of a project ......... gsi1: PROJECT#<projectId>#DOMAINS / <ascii name>
 * - domains pending verification . gsi2 (sparse): DOMAINS#pending / <domainId>
 *
 * The name item mirrors the domain's status so the send path answers "may this
 * project send from this domain?" with one BatchGet over the domain and its parents.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo, queryAll, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';

export type DomainStatus = 'pending' | 'verified' | 'failed';

export interface DomainRecord {
  id: string;
  projectId: string;
  accountId: string;
  /** Punycode, as SES and DNS take it. */
  domain: string;
  unicodeDomain: string;
  status: DomainStatus;
  dkimTokens: string[];
  mailFromDomain: string;
  createdAt: string;
  verifiedAt?: string;
  lastCheckedAt?: string;
  /** Open and click tracking of its mail, unless a send says otherwise (off by default). */
  tracking?: EmailTracking;
}

/** Whether SES tracks a message's opens (an invisible image) and clicks (its links redirected). */
export interface EmailTracking {
  opens: boolean;
  clicks: boolean;
}

/** The deployment-wide claim on a name (with the domain's tracking, which the send path reads here). */
export interface DomainNameClaim {
  domain: string;
  domainId: string;
  projectId: string;
  status: DomainStatus;
  tracking?: EmailTracking;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const domainKey = (id: string) => ({ pk: `DOMAIN#${id}`, sk: 'DOMAIN' });
const nameKey = (domain: string) => ({ pk: `DOMAINNAME#${domain}`, sk: 'DOMAINNAME' });
const pendingIndex = (domain: DomainRecord) =>
  domain.status === 'pending' ? { gsi2pk: 'DOMAINS#pending', gsi2sk: domain.id } : {};

/** The domain item and its name claim, written together; `claimCondition` guards the claim. */
function writeDomain(
  domain: DomainRecord,
  claimCondition: { expression: string; values?: Record<string, unknown> },
): TransactItem[] {
  return [
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...domainKey(domain.id),
          gsi1pk: `PROJECT#${domain.projectId}#DOMAINS`,
          gsi1sk: domain.domain,
          ...pendingIndex(domain),
          ...domain,
        },
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: {
          ...nameKey(domain.domain),
          domain: domain.domain,
          domainId: domain.id,
          projectId: domain.projectId,
          status: domain.status,
          ...(domain.tracking ? { tracking: domain.tracking } : {}),
        },
        ConditionExpression: claimCondition.expression,
        ExpressionAttributeValues: claimCondition.values,
      },
    },
  ];
}

/** Claims the name and stores the domain; false when any project already holds the name. */
export async function insertDomain(domain: DomainRecord): Promise<boolean> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: writeDomain(domain, { expression: 'attribute_not_exists(pk)' }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      if (error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')) return false;
    }
    throw error;
  }
}

/** Saves a changed domain and its name claim together. */
export async function saveDomain(domain: DomainRecord): Promise<void> {
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: writeDomain(domain, { expression: 'domainId = :id', values: { ':id': domain.id } }),
    }),
  );
}

/**
 * Sets the domain's tracking, on the domain and on its name claim (which the send path
 * reads) together; false when the domain is gone (deleted meanwhile).
 */
export async function setDomainTracking(domain: DomainRecord, tracking: EmailTracking): Promise<boolean> {
  const update = (Key: { pk: string; sk: string }, condition: string) => ({
    Update: {
      TableName: tableName(),
      Key,
      UpdateExpression: 'SET tracking = :tracking',
      ConditionExpression: condition,
      ExpressionAttributeValues: { ':tracking': tracking, ':id': domain.id },
    },
  });
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          update(domainKey(domain.id), 'id = :id'),
          update(nameKey(domain.domain), 'domainId = :id'),
        ],
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed')
    )
      return false;
    throw error;
  }
}

/** Removes the domain and releases its name. */
export async function removeDomain(domain: DomainRecord): Promise<void> {
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        { Delete: { TableName: tableName(), Key: domainKey(domain.id) } },
        {
          Delete: {
            TableName: tableName(),
            Key: nameKey(domain.domain),
            ConditionExpression: 'domainId = :id',
            ExpressionAttributeValues: { ':id': domain.id },
          },
        },
      ],
    }),
  );
}

export async function getDomain(id: string): Promise<DomainRecord | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: domainKey(id) }));
  return Item ? withoutKeys<DomainRecord>(Item) : undefined;
}

export async function getNameClaim(domain: string): Promise<DomainNameClaim | undefined> {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName(), Key: nameKey(domain) }));
  return Item ? withoutKeys<DomainNameClaim>(Item) : undefined;
}

/** The claims on any of these names (a domain and its parents), in one round trip. */
export async function getNameClaims(domains: string[]): Promise<DomainNameClaim[]> {
  if (domains.length === 0) return [];
  const { Responses } = await dynamo.send(
    new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: domains.map(nameKey) } } }),
  );
  return (Responses?.[tableName()] ?? []).map((item) => withoutKeys<DomainNameClaim>(item));
}

/** The domains in one partition of an index. */
async function domainsIn(index: 'gsi1' | 'gsi2', partition: string): Promise<DomainRecord[]> {
  const items = await queryAll({
    TableName: tableName(),
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk`,
    ExpressionAttributeValues: { ':pk': partition },
  });
  return items.map((item) => withoutKeys<DomainRecord>(item));
}

/** A project's domains, by name. */
export function listProjectDomains(projectId: string): Promise<DomainRecord[]> {
  return domainsIn('gsi1', `PROJECT#${projectId}#DOMAINS`);
}

/** Every domain, in any project, still waiting for SES to verify it. */
export function listPendingDomains(): Promise<DomainRecord[]> {
  return domainsIn('gsi2', 'DOMAINS#pending');
}
