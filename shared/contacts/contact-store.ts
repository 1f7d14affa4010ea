/**
 * Contacts in the single table. A contact is one address in one list; the same address in
 * two lists is two contacts.
 *
 * Access patterns (pk / sk):
 * - a list's contacts, by address, over `contactShards` partitions
 *   ........................ LIST#<listId>#<shard> / <lower-cased address>
 *   (the key is the uniqueness rule: one contact per address and list)
 * - a contact by id ........ CONTACT#<contactId> / CONTACT → where it lives
 * - an address's contacts across the project's lists (bounces, complaints)
 *   ........................ gsi1: CONTACTS#<projectId>#<lower-cased address> / <listId>
 *
 * Every write that adds, removes or re-labels a contact adjusts its shard's counter (see
 * `list-store.ts`) in the same transaction, so a list's counts are exact without a scan.
 * The shard comes from a hash of the address, so a bulk import spreads its writes over
 * several partitions instead of one.
 */
import { createHash } from 'node:crypto';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo, queryAll, tableName } from '#shared/aws/dynamodb.ts';
import type { ContactStatus } from '#shared/contacts/contact-status.ts';
import { contactShards, counterKey, type ListCounts } from '#shared/contacts/list-store.ts';

export interface ContactRecord {
  id: string;
  projectId: string;
  listId: string;
  email: string;
  name?: string;
  company?: string;
  status: ContactStatus;
  createdAt: string;
  updatedAt: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The address as contacts are keyed: `Jane@Example.com` and `jane@example.com` are one contact. */
export const emailKeyOf = (email: string) => email.trim().toLowerCase();

/** Which of a list's partitions an address lives in. */
export function shardOfEmail(emailKey: string): number {
  return (createHash('sha256').update(emailKey).digest()[0] ?? 0) % contactShards;
}

const contactKey = (listId: string, emailKey: string) => ({
  pk: `LIST#${listId}#${shardOfEmail(emailKey)}`,
  sk: emailKey,
});
const pointerKey = (contactId: string) => ({ pk: `CONTACT#${contactId}`, sk: 'CONTACT' });

function itemOf(contact: ContactRecord) {
  const emailKey = emailKeyOf(contact.email);
  return {
    ...contactKey(contact.listId, emailKey),
    gsi1pk: `CONTACTS#${contact.projectId}#${emailKey}`,
    gsi1sk: contact.listId,
    ...contact,
    // What `search` matches: the address and the name, lower-cased.
    search: `${emailKey}\n${(contact.name ?? '').toLowerCase()}`,
  };
}

function recordOf(item: Record<string, unknown>): ContactRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, search: _search, ...record } = item;
  return record as unknown as ContactRecord;
}

/** Thrown when a list's counters are gone: the list was deleted. */
export class ListGoneError extends Error {
  constructor() {
    super('The list was deleted');
    this.name = 'ListGoneError';
  }
}

/** Thrown when the target address is already a contact of the list. */
export class ContactExistsError extends Error {
  readonly emailKeys: string[];
  constructor(emailKeys: string[]) {
    super('The address is already in the list');
    this.name = 'ContactExistsError';
    this.emailKeys = emailKeys;
  }
}

/** Thrown when the contact changed (or went) since it was read. */
export class ContactChangedError extends Error {
  constructor() {
    super('The contact changed meanwhile');
    this.name = 'ContactChangedError';
  }
}

/** Counter changes of one shard of a list: `+1 total, +1 subscribed`. */
type CountDelta = Partial<ListCounts>;

/** Adds `delta` to a shard's counter, on the condition that the list still exists. */
function counterUpdate(projectId: string, listId: string, shard: number, delta: CountDelta): TransactItem {
  const entries = Object.entries(delta).filter(([, value]) => value !== 0);
  return {
    Update: {
      TableName: tableName(),
      Key: counterKey(projectId, listId, shard),
      UpdateExpression: entries.length
        ? `ADD ${entries.map(([name]) => `#${name} :${name}`).join(', ')}`
        : 'SET kind = kind',
      ConditionExpression: 'attribute_exists(pk)',
      ...(entries.length
        ? {
            ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
            ExpressionAttributeValues: Object.fromEntries(
              entries.map(([name, value]) => [`:${name}`, value]),
            ),
          }
        : {}),
    },
  };
}

/** Sums deltas that land on the same counter (a transaction may touch an item once). */
function mergeDeltas(deltas: { shard: number; listId: string; delta: CountDelta }[]) {
  const merged = new Map<string, { shard: number; listId: string; delta: Record<string, number> }>();
  for (const { shard, listId, delta } of deltas) {
    const key = `${listId}#${shard}`;
    const entry = merged.get(key) ?? { shard, listId, delta: {} };
    for (const [name, value] of Object.entries(delta))
      entry.delta[name] = (entry.delta[name] ?? 0) + (value ?? 0);
    merged.set(key, entry);
  }
  return [...merged.values()];
}

/**
 * Runs a transaction; `TransactionConflict` (another transaction on one of its items at
 * the same moment) is retried a few times, any other cancellation is returned with its
 * per-item reasons.
 */
async function transact(items: TransactItem[]): Promise<string[] | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'TransactionCanceledException') throw error;
      const reasons = (
        (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []
      ).map((reason) => reason.Code ?? 'None');
      if (reasons.includes('TransactionConflict') && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
        continue;
      }
      return reasons;
    }
  }
}

const countDelta = (status: ContactStatus, sign: 1 | -1): CountDelta => ({ total: sign, [status]: sign });

/** Most contacts one insert transaction holds: two items each, and the counter (100 items at most). */
export const contactsPerInsert = 49;

/**
 * Adds new contacts of one list shard in one transaction: each with its id pointer, on the
 * condition that the address is not in the list yet, and the shard's counter. Throws
 * `ContactExistsError` naming the addresses already there (nothing is written) and
 * `ListGoneError` when the list was deleted.
 */
export async function insertContacts(projectId: string, listId: string, contacts: ContactRecord[]) {
  const shard = shardOfEmail(emailKeyOf(contacts[0]?.email ?? ''));
  const added: Record<string, number> = {};
  for (const contact of contacts) {
    if (shardOfEmail(emailKeyOf(contact.email)) !== shard) throw new Error('contacts of one shard only');
    for (const [name, value] of Object.entries(countDelta(contact.status, 1)))
      added[name] = (added[name] ?? 0) + (value ?? 0);
  }
  const items: TransactItem[] = contacts.flatMap((contact) => [
    {
      Put: {
        TableName: tableName(),
        Item: itemOf(contact),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName(),
        Item: { ...pointerKey(contact.id), projectId, listId, emailKey: emailKeyOf(contact.email) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ]);
  items.push(counterUpdate(projectId, listId, shard, added));
  const reasons = await transact(items);
  if (!reasons) return;
  if (reasons.at(-1) === 'ConditionalCheckFailed') throw new ListGoneError();
  const taken = contacts
    .filter((_, index) => reasons[index * 2] === 'ConditionalCheckFailed')
    .map((contact) => emailKeyOf(contact.email));
  if (taken.length > 0) throw new ContactExistsError(taken);
  throw new Error(`Contact insert cancelled: ${reasons.join(', ')}`);
}

/** The contact with this id in the project, or nothing (a deleted list's contacts included). */
export async function getContact(projectId: string, contactId: string): Promise<ContactRecord | undefined> {
  const { Item: pointer } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: pointerKey(contactId), ConsistentRead: true }),
  );
  if (!pointer || pointer.projectId !== projectId) return undefined;
  const listId = String(pointer.listId);
  const [{ Item }, { Item: counter }] = await Promise.all([
    dynamo.send(
      new GetCommand({
        TableName: tableName(),
        Key: contactKey(listId, String(pointer.emailKey)),
        ConsistentRead: true,
      }),
    ),
    // A deleted list loses its counters at once and its contacts later, in the background.
    dynamo.send(
      new GetCommand({
        TableName: tableName(),
        Key: counterKey(projectId, listId, shardOfEmail(String(pointer.emailKey))),
        ConsistentRead: true,
        ProjectionExpression: 'pk',
      }),
    ),
  ]);
  if (!Item || Item.id !== contactId || !counter) return undefined;
  return recordOf(Item);
}

/** The addresses of `emailKeys` that are already contacts of the list (strongly consistent). */
export async function existingAddresses(listId: string, emailKeys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const chunks: string[][] = [];
  for (let start = 0; start < emailKeys.length; start += 100)
    chunks.push(emailKeys.slice(start, start + 100));
  await inParallel(chunks, 8, async (chunk) => {
    let keys: Record<string, unknown>[] | undefined = chunk.map((emailKey) => contactKey(listId, emailKey));
    while (keys && keys.length > 0) {
      const answer: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName()]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'sk' },
          },
        }),
      );
      for (const item of answer.Responses?.[tableName()] ?? []) found.add(String(item.sk));
      keys = answer.UnprocessedKeys?.[tableName()]?.Keys;
    }
  });
  return found;
}

/**
 * Replaces a contact with its changed self in one transaction: in place when its address
 * and list stay, otherwise moved to its new key (which must be free: `ContactExistsError`)
 * with its id pointer following. Counters move with it. Holds only if the contact is still
 * as read (`ContactChangedError`); a deleted target list is `ListGoneError`.
 */
export async function replaceContact(before: ContactRecord, after: ContactRecord): Promise<void> {
  const beforeKey = emailKeyOf(before.email);
  const afterKey = emailKeyOf(after.email);
  const moved = beforeKey !== afterKey || before.listId !== after.listId;
  const items: TransactItem[] = [];
  if (moved) {
    items.push(
      {
        Delete: {
          TableName: tableName(),
          Key: contactKey(before.listId, beforeKey),
          ConditionExpression: 'id = :id AND #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':id': before.id, ':status': before.status },
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: itemOf(after),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: {
            ...pointerKey(after.id),
            projectId: after.projectId,
            listId: after.listId,
            emailKey: afterKey,
          },
        },
      },
    );
  } else {
    items.push({
      Put: {
        TableName: tableName(),
        Item: itemOf(after),
        ConditionExpression: 'id = :id AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':id': before.id, ':status': before.status },
      },
    });
  }
  const counters = mergeDeltas([
    { listId: before.listId, shard: shardOfEmail(beforeKey), delta: countDelta(before.status, -1) },
    { listId: after.listId, shard: shardOfEmail(afterKey), delta: countDelta(after.status, 1) },
  ]);
  const counterItems = counters.map(({ listId, shard, delta }) =>
    counterUpdate(after.projectId, listId, shard, delta),
  );
  const reasons = await transact([...items, ...counterItems]);
  if (!reasons) return;
  if (reasons[0] === 'ConditionalCheckFailed') throw new ContactChangedError();
  if (moved && reasons[1] === 'ConditionalCheckFailed') throw new ContactExistsError([afterKey]);
  if (reasons.slice(items.length).includes('ConditionalCheckFailed')) throw new ListGoneError();
  throw new Error(`Contact update cancelled: ${reasons.join(', ')}`);
}

/** Deletes a contact, its pointer and its count, if it is still as read (`ContactChangedError`). */
export async function deleteContact(contact: ContactRecord): Promise<void> {
  const emailKey = emailKeyOf(contact.email);
  const reasons = await transact([
    {
      Delete: {
        TableName: tableName(),
        Key: contactKey(contact.listId, emailKey),
        ConditionExpression: 'id = :id AND #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':id': contact.id, ':status': contact.status },
      },
    },
    { Delete: { TableName: tableName(), Key: pointerKey(contact.id) } },
    counterUpdate(contact.projectId, contact.listId, shardOfEmail(emailKey), countDelta(contact.status, -1)),
  ]);
  if (!reasons) return;
  if (reasons[0] === 'ConditionalCheckFailed') throw new ContactChangedError();
  if (reasons[2] === 'ConditionalCheckFailed') throw new ListGoneError();
  throw new Error(`Contact delete cancelled: ${reasons.join(', ')}`);
}

/** Every contact of an address in the project, one per list (eventually consistent). */
export async function contactsOfAddress(projectId: string, email: string): Promise<ContactRecord[]> {
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `CONTACTS#${projectId}#${emailKeyOf(email)}` },
  });
  return items.map(recordOf);
}

/** What a page of a list may be narrowed to. */
export interface ContactFilter {
  status?: ContactStatus;
  /** Lower-cased; matches a substring of the address or the name. */
  search?: string;
}

function shardQuery(listId: string, shard: number, filter: ContactFilter): QueryCommandInput {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': `LIST#${listId}#${shard}` };
  if (filter.status) {
    conditions.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = filter.status;
  }
  if (filter.search) {
    conditions.push('contains(#search, :search)');
    names['#search'] = 'search';
    values[':search'] = filter.search;
  }
  return {
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk',
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
    ConsistentRead: true,
  };
}

/** One shard's matching contacts in address order, read a page at a time as they are consumed. */
async function* shardContacts(
  input: QueryCommandInput,
  pageSize: number,
): AsyncGenerator<Record<string, unknown>, void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({ ...input, ExclusiveStartKey: startKey, Limit: pageSize }),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * The contacts at positions `offset` … `offset + limit` of the list in address order,
 * matching `filter`: the shards are read side by side and merged, so a page costs about
 * `offset + limit` items read, not the whole list (filters read what they pass over).
 */
export async function contactsPage(
  listId: string,
  filter: ContactFilter,
  offset: number,
  limit: number,
): Promise<ContactRecord[]> {
  const readSize = Math.min(1000, Math.max(25, Math.ceil((offset + limit) / contactShards) + 1));
  const cursors = Array.from({ length: contactShards }, (_, shard) =>
    shardContacts(shardQuery(listId, shard, filter), readSize),
  );
  const advance = async (cursor: AsyncGenerator<Record<string, unknown>, void>) => {
    const next = await cursor.next();
    return next.done ? undefined : next.value;
  };
  const heads = await Promise.all(cursors.map(advance));
  const page: ContactRecord[] = [];
  for (let position = 0; position < offset + limit; position++) {
    let smallest = -1;
    heads.forEach((head, index) => {
      const best = heads[smallest];
      if (head && (!best || String(head.sk) < String(best.sk))) smallest = index;
    });
    const taken = heads[smallest];
    if (!taken) break;
    if (position >= offset) page.push(recordOf(taken));
    heads[smallest] = await advance(cursors[smallest] as AsyncGenerator<Record<string, unknown>, void>);
  }
  await Promise.all(cursors.map((cursor) => cursor.return()));
  return page;
}

/** How many of the list's contacts match `filter`: a count over every shard (reads the list). */
export async function countContacts(listId: string, filter: ContactFilter): Promise<number> {
  const counts = await Promise.all(
    Array.from({ length: contactShards }, async (_, shard) => {
      let total = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo.send(
          new QueryCommand({
            ...shardQuery(listId, shard, filter),
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        total += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return total;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Deletes up to `max` of a deleted list's contacts and their pointers (25 items a
 * request); returns how many it deleted, 0 when the list is empty.
 */
export async function purgeContacts(listId: string, max: number): Promise<number> {
  let purged = 0;
  for (let shard = 0; shard < contactShards && purged < max; shard++) {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `LIST#${listId}#${shard}` },
        ProjectionExpression: 'pk, sk, id',
        Limit: Math.min(max - purged, 500),
      }),
    );
    const keys = Items.flatMap((item) => [{ pk: item.pk, sk: item.sk }, pointerKey(String(item.id))]);
    const chunks: Record<string, unknown>[][] = [];
    for (let start = 0; start < keys.length; start += 25) chunks.push(keys.slice(start, start + 25));
    await inParallel(chunks, 4, async (chunk) => {
      let requests: Record<string, unknown>[] | undefined = chunk.map((Key) => ({ DeleteRequest: { Key } }));
      while (requests && requests.length > 0) {
        const answer = await dynamo.send(
          new BatchWriteCommand({ RequestItems: { [tableName()]: requests as never } }),
        );
        requests = answer.UnprocessedItems?.[tableName()] as Record<string, unknown>[] | undefined;
      }
    });
    purged += Items.length;
  }
  return purged;
}

/** Runs `work` over `items` with at most `lanes` at a time. */
export async function inParallel<T>(items: T[], lanes: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}
