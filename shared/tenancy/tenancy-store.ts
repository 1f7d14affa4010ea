/**
 * Accounts, projects and API keys in the single table.
 *
 * Access patterns (pk / sk):
 * - account by id ............ ACCOUNT#<accountId> / ACCOUNT
 * - its status history ....... ACCOUNT#<accountId> / STATUS#<ISO time>
 * - project by id ............ PROJECT#<projectId> / PROJECT
 * - key by its SHA-256 ....... APIKEY#<hash> / APIKEY  (the auth hot path: one GetItem)
 * - keys of a project ........ gsi1: PROJECT#<projectId>#KEYS / <keyId>
 * - projects of an account ... gsi1: ACCOUNT#<accountId>#PROJECTS / <projectId>
 * - all accounts ............. gsi1: ACCOUNTS / <accountId>
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo, queryAll, tableName, withoutKeys, writeIf } from '#shared/aws/dynamodb.ts';
import { newId } from '#shared/ids.ts';
import type { KeyMode, Scope } from '#shared/tenancy/scopes.ts';

export type AccountStatus = 'active' | 'flagged' | 'suspended' | 'deactivated';

export interface Account {
  id: string;
  name: string;
  status: AccountStatus;
  createdAt: string;
  statusReason?: string;
  statusChangedAt?: string;
  /** Per-account overrides of the reputation thresholds (the operator's, through the CLI). */
  reputation?: { minimumSends?: number };
  /** Sending windows and monthly quota set by the operator; defaults apply where unset. */
  limits?: AccountLimits;
}

export interface AccountLimits {
  perSecond?: number;
  perMinute?: number;
  perHour?: number;
  perDay?: number;
  monthlyQuota?: number;
}

/** One change of an account's status, kept with its reason and the figures behind it. */
export interface StatusChange {
  from: AccountStatus;
  to: AccountStatus;
  reason: string;
  /** `reputation` for the automatic state machine, `operator` for the CLI. */
  by: 'reputation' | 'operator';
  figures?: Record<string, number>;
  at: string;
}

export interface Project {
  id: string;
  accountId: string;
  name: string;
  createdAt: string;
}

export interface ApiKeyRecord {
  id: string;
  projectId: string;
  accountId: string;
  name: string;
  mode: KeyMode;
  scopes: Scope[];
  /** Sending domains the key is limited to; empty means any domain of the project. */
  domains: string[];
  prefix: string;
  lastFour: string;
  createdAt: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

const onlyIfNew = 'attribute_not_exists(pk)';

export async function createAccount(name: string): Promise<Account> {
  const account: Account = {
    id: newId('account'),
    name,
    status: 'active',
    createdAt: new Date().toISOString(),
  };
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: `ACCOUNT#${account.id}`,
        sk: 'ACCOUNT',
        gsi1pk: 'ACCOUNTS',
        gsi1sk: account.id,
        ...account,
      },
      ConditionExpression: onlyIfNew,
    }),
  );
  return account;
}

export async function createProject(accountId: string, name: string): Promise<Project> {
  const project: Project = { id: newId('project'), accountId, name, createdAt: new Date().toISOString() };
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: `PROJECT#${project.id}`,
        sk: 'PROJECT',
        gsi1pk: `ACCOUNT#${accountId}#PROJECTS`,
        gsi1sk: project.id,
        ...project,
      },
      ConditionExpression: onlyIfNew,
    }),
  );
  return project;
}

/** Stores a key by its hash; the secret itself is never written. */
export async function storeApiKey(
  project: Project,
  key: { readonly mode: KeyMode; readonly hash: string; readonly prefix: string; readonly lastFour: string },
  options: { name: string; scopes: Scope[]; domains?: string[] },
): Promise<ApiKeyRecord> {
  const record: ApiKeyRecord = {
    id: newId('apiKey'),
    projectId: project.id,
    accountId: project.accountId,
    name: options.name,
    mode: key.mode,
    scopes: options.scopes,
    domains: options.domains ?? [],
    prefix: key.prefix,
    lastFour: key.lastFour,
    createdAt: new Date().toISOString(),
  };
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: `APIKEY#${key.hash}`,
        sk: 'APIKEY',
        gsi1pk: `PROJECT#${project.id}#KEYS`,
        gsi1sk: record.id,
        ...record,
      },
      ConditionExpression: onlyIfNew,
    }),
  );
  return record;
}

/** The key stored under this hash, revoked or not; undefined when there is none. */
export async function findApiKeyByHash(hash: string): Promise<ApiKeyRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: { pk: `APIKEY#${hash}`, sk: 'APIKEY' } }),
  );
  return Item ? withoutKeys<ApiKeyRecord>(Item) : undefined;
}

export async function getAccount(id: string): Promise<Account | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: { pk: `ACCOUNT#${id}`, sk: 'ACCOUNT' } }),
  );
  return Item ? withoutKeys<Account>(Item) : undefined;
}

/**
 * Moves an account from `change.from` to `change.to` and records the change, in one
 * transaction; false when the account was no longer in `change.from` (someone else
 * changed it first) or is deactivated, which is terminal.
 */
export async function changeAccountStatus(accountId: string, change: StatusChange): Promise<boolean> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: { pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' },
              UpdateExpression: 'SET #status = :to, statusReason = :reason, statusChangedAt = :at',
              ConditionExpression: '#status = :from AND #status <> :terminal',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':to': change.to,
                ':from': change.from,
                ':terminal': 'deactivated',
                ':reason': change.reason,
                ':at': change.at,
              },
            },
          },
          {
            Put: {
              TableName: tableName(),
              Item: { pk: `ACCOUNT#${accountId}`, sk: `STATUS#${change.at}`, ...change },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') return false;
    throw error;
  }
}

/** The account's status changes, newest first. */
export async function statusHistory(accountId: string): Promise<StatusChange[]> {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}`, ':prefix': 'STATUS#' },
      ScanIndexForward: false,
    }),
  );
  return Items.map((item) => withoutKeys<StatusChange>(item));
}

/** Sets the account's reputation overrides (the minimum volume before any verdict). */
export async function setReputationOverrides(
  accountId: string,
  reputation: Account['reputation'],
): Promise<void> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: { pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' },
        UpdateExpression: 'SET reputation = :reputation',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':reputation': reputation },
      }),
    ),
  );
  if (!outcome.written) throw new Error(`No account ${accountId}`);
}

/** Merges operator-set limits into the account's. */
export async function setAccountLimits(accountId: string, limits: AccountLimits): Promise<AccountLimits> {
  const current = (await getAccount(accountId))?.limits;
  if (!(await getAccount(accountId))) throw new Error(`No account ${accountId}`);
  const merged = { ...current, ...limits };
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' },
      UpdateExpression: 'SET limits = :limits',
      ExpressionAttributeValues: { ':limits': merged },
    }),
  );
  return merged;
}

async function queryIndex<T>(partition: string): Promise<T[]> {
  const items: T[] = (
    await queryAll({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
    })
  ).map((item) => withoutKeys<T>(item));
  return items;
}

export function listAccounts(): Promise<Account[]> {
  return queryIndex<Account>('ACCOUNTS');
}

export function listProjects(accountId: string): Promise<Project[]> {
  return queryIndex<Project>(`ACCOUNT#${accountId}#PROJECTS`);
}

export async function getProject(id: string): Promise<Project | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: { pk: `PROJECT#${id}`, sk: 'PROJECT' } }),
  );
  return Item ? withoutKeys<Project>(Item) : undefined;
}

/** A project's keys (revoked ones too), without secrets: only hashes are stored. */
export function listApiKeys(projectId: string): Promise<ApiKeyRecord[]> {
  return queryIndex<ApiKeyRecord>(`PROJECT#${projectId}#KEYS`);
}

/** Revokes a project's key by id; false when the project has no such live key. */
export async function revokeApiKey(projectId: string, keyId: string, now: string): Promise<boolean> {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :id',
      ExpressionAttributeValues: { ':pk': `PROJECT#${projectId}#KEYS`, ':id': keyId },
    }),
  );
  const item = Items[0];
  if (!item || item.revokedAt) return false;
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: item.pk, sk: item.sk },
      UpdateExpression: 'SET revokedAt = :now',
      ExpressionAttributeValues: { ':now': now },
    }),
  );
  return true;
}

/** Records when a key was last used (callers throttle this to about once a minute). */
export async function touchApiKey(hash: string, now: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: `APIKEY#${hash}`, sk: 'APIKEY' },
      UpdateExpression: 'SET lastUsedAt = :now',
      ExpressionAttributeValues: { ':now': now },
    }),
  );
}
