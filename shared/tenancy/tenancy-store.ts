/**
 * Accounts, projects and API keys in the single table.
 *
 * Access patterns (pk / sk):
 * - account by id ............ ACCOUNT#<accountId> / ACCOUNT
 * - project by id ............ PROJECT#<projectId> / PROJECT
 * - key by its SHA-256 ....... APIKEY#<hash> / APIKEY  (the auth hot path: one GetItem)
 * - keys of a project ........ gsi1: PROJECT#<projectId>#KEYS / <keyId>
 * - projects of an account ... gsi1: ACCOUNT#<accountId>#PROJECTS / <projectId>
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyMode, NewApiKey } from '#shared/auth/api-keys.ts';
import { dynamo, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';
import { newId } from '#shared/ids.ts';
import type { Scope } from '#shared/tenancy/scopes.ts';

export type AccountStatus = 'active' | 'flagged' | 'suspended' | 'deactivated';

export interface Account {
  id: string;
  name: string;
  status: AccountStatus;
  createdAt: string;
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
      TableName: tableName,
      Item: { pk: `ACCOUNT#${account.id}`, sk: 'ACCOUNT', ...account },
      ConditionExpression: onlyIfNew,
    }),
  );
  return account;
}

export async function createProject(accountId: string, name: string): Promise<Project> {
  const project: Project = { id: newId('project'), accountId, name, createdAt: new Date().toISOString() };
  await dynamo.send(
    new PutCommand({
      TableName: tableName,
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
  key: NewApiKey,
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
      TableName: tableName,
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
    new GetCommand({ TableName: tableName, Key: { pk: `APIKEY#${hash}`, sk: 'APIKEY' } }),
  );
  return Item ? withoutKeys<ApiKeyRecord>(Item) : undefined;
}
