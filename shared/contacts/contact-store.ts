/**
 * Contacts in the single table. A contact is one address in one list; the same address in
 * two lists is two contacts.
 *
 * Access patterns (pk / sk):
 * - a contact by id ........ CONTACT#<contactId> / CONTACT
 * - a list's contacts, by address, over `contactShards` partitions
 *   ........................ gsi1: LIST#<listId>#<shard> / <lower-cased address>
 * - an address in a list ... its slots (`contact-slots.ts`), also CONTACT#<slot> / CONTACT
 *
 * Every write that adds, removes or re-labels a contact adjusts its shard's counter (see
 * `list-store.ts`) in the same transaction, so a list's counts are exact without a scan.
 * The shard comes from a hash of the address, so a bulk import's counter updates and index
 * writes spread over several partitions.
 */
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, dynamo, queryCount, tableName, withoutKeys } from '#shared/aws/dynamodb.ts';
import { type TransactItem, transact } from '#shared/aws/transact.ts';
import { contactKey, emailKeyOf, slotState } from '#shared/contacts/contact-slots.ts';
import type { ContactStatus } from '#shared/contacts/contact-status.ts';
import { contactShards, counterKey, type ListCounts } from '#shared/contacts/list-store.ts';
import { inParallel } from '#shared/in-parallel.ts';

export interface ContactRecord {
  id: string;
  projectId: string;
  listId: string;
  email: string;
  name?: string;
  company?: string;
  status: ContactStatus;
  /** The slot holding its list and address: its own id, or a marker's (`contact-slots.ts`). */
  slot: string;
  createdAt: string;
  updatedAt: string;
}

/** Which of a list's partitions an address lives in. */
export function shardOfEmail(emailKey: string): number {
  return (createHash('sha256').update(emailKey).digest()[0] ?? 0) % contactShards;
}

const listPartition = (listId: string, shard: number) => `LIST#${listId}#${shard}`;

function itemOf(contact: ContactRecord) {
  const emailKey = emailKeyOf(contact.email);
  return {
    ...contactKey(contact.id),
    kind: 'contact',
    gsi1pk: listPartition(contact.listId, shardOfEmail(emailKey)),
    gsi1sk: emailKey,
    ...contact,
    // What `search` matches: the address and the name, lower-cased.
    search: `${emailKey}\n${(contact.name ?? '').toLowerCase()}`,
  };
}

/** The marker by which a moved contact holds the slot of its new list and address. */
const movedMarker = (contact: ContactRecord) => ({
  ...contactKey(contact.slot),
  kind: 'moved',
  contactId: contact.id,
  projectId: contact.projectId,
  listId: contact.listId,
  emailKey: emailKeyOf(contact.email),
});

function recordOf(item: Record<string, unknown>): ContactRecord {
  const { pk: _pk, sk: _sk, kind: _kind, search: _search, ...rest } = item;
  return withoutKeys<ContactRecord>(rest);
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

const countDelta = (status: ContactStatus, sign: 1 | -1): CountDelta => ({ total: sign, [status]: sign });

/** Most contacts one insert transaction holds, with their shard's counter (100 items at most). */
export const contactsPerInsert = 99;

/**
 * Adds new contacts of one list shard in one transaction, each on the free slot of its
 * address (its id) on the condition that the slot is still free, and the shard's counter. Throws
 * `ContactExistsError` naming the addresses already there (nothing is written) and
 * `ListGoneError` when the list was deleted.
 */
export async function insertContacts(projectId: string, listId: string, contacts: ContactRecord[]) {
  for (const contact of contacts)
    if (contact.id !== contact.slot) throw new Error('a new contact takes its slot as id');
  const counters = mergeDeltas(
    contacts.map((contact) => ({
      listId,
      shard: shardOfEmail(emailKeyOf(contact.email)),
      delta: countDelta(contact.status, 1),
    })),
  );
  if (counters.length !== 1) throw new Error('contacts of one shard only');
  const items: TransactItem[] = contacts.map((contact) => ({
    Put: { TableName: tableName(), Item: itemOf(contact), ConditionExpression: 'attribute_not_exists(pk)' },
  }));
  items.push(...counters.map(({ shard, delta }) => counterUpdate(projectId, listId, shard, delta)));
  const reasons = await transact(items);
  if (!reasons) return;
  if (reasons.at(-1) === 'ConditionalCheckFailed') throw new ListGoneError();
  const taken = contacts
    .filter((_, index) => reasons[index] === 'ConditionalCheckFailed')
    .map((contact) => emailKeyOf(contact.email));
  if (taken.length > 0) throw new ContactExistsError(taken);
  throw new Error(`Contact insert cancelled: ${reasons.join(', ')}`);
}

/** The contact with this id in the project, or nothing (a deleted list's contacts included). */
export async function getContact(projectId: string, contactId: string): Promise<ContactRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: contactKey(contactId), ConsistentRead: true }),
  );
  if (Item?.kind !== 'contact' || Item.projectId !== projectId) return undefined;
  const contact = recordOf(Item);
  // A deleted list loses its counters at once and its contacts later, in the background.
  const { Item: counter } = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: counterKey(projectId, contact.listId, shardOfEmail(emailKeyOf(contact.email))),
      ConsistentRead: true,
      ProjectionExpression: 'pk',
    }),
  );
  return counter ? contact : undefined;
}

/** The condition that a contact's item is still as it was read (status, pair and slot). */
const unchanged =
  'kind = :contact AND #status = :status AND listId = :list AND email = :email AND slot = :slot';
const unchangedValues = (contact: ContactRecord) => ({
  ':contact': 'contact',
  ':status': contact.status,
  ':list': contact.listId,
  ':email': contact.email,
  ':slot': contact.slot,
});

/**
 * Replaces a contact with its changed self in one transaction. When its address or list
 * changes it keeps its id, takes the first free slot of the new pair with a marker (a
 * pair another contact holds is `ContactExistsError`) and frees the marker it held, if
 * any. Counters move with it. Holds only if the contact is still as read
 * (`ContactChangedError`); a deleted list is `ListGoneError`.
 */
export async function replaceContact(before: ContactRecord, changed: ContactRecord): Promise<ContactRecord> {
  const moved = before.listId !== changed.listId || emailKeyOf(before.email) !== emailKeyOf(changed.email);
  let after = { ...changed, slot: before.slot };
  const items: TransactItem[] = [];
  if (moved) {
    const state = await slotState(changed.listId, changed.email);
    if ('holder' in state) throw new ContactExistsError([emailKeyOf(changed.email)]);
    after = { ...changed, slot: state.free };
    items.push({
      Put: {
        TableName: tableName(),
        Item: movedMarker(after),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    if (before.slot !== before.id)
      items.push({ Delete: { TableName: tableName(), Key: contactKey(before.slot) } });
  }
  items.unshift({
    Put: {
      TableName: tableName(),
      Item: itemOf(after),
      ConditionExpression: unchanged,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: unchangedValues(before),
    },
  });
  const counterItems = mergeDeltas([
    {
      listId: before.listId,
      shard: shardOfEmail(emailKeyOf(before.email)),
      delta: countDelta(before.status, -1),
    },
    {
      listId: after.listId,
      shard: shardOfEmail(emailKeyOf(after.email)),
      delta: countDelta(after.status, 1),
    },
  ]).map(({ listId, shard, delta }) => counterUpdate(after.projectId, listId, shard, delta));
  const reasons = await transact([...items, ...counterItems]);
  if (!reasons) return after;
  if (reasons[0] === 'ConditionalCheckFailed') throw new ContactChangedError();
  if (moved && reasons[1] === 'ConditionalCheckFailed')
    throw new ContactExistsError([emailKeyOf(after.email)]);
  if (reasons.slice(items.length).includes('ConditionalCheckFailed')) throw new ListGoneError();
  throw new Error(`Contact update cancelled: ${reasons.join(', ')}`);
}

/**
 * A removed contact whose id is a slot of the pair it started in, which it left: the item
 * stays as a `vacated` tombstone, so the pair's chain still leads past it to whoever holds
 * the pair now (deleting it would open a gap, and a new contact could take the pair twice).
 */
const tombstone = (contact: Pick<ContactRecord, 'id' | 'projectId'>) => ({
  ...contactKey(contact.id),
  kind: 'vacated',
  projectId: contact.projectId,
});

/** Deletes a contact, the marker it holds its slot by (if it moved), and its count, if it is still as read. */
export async function deleteContact(contact: ContactRecord): Promise<void> {
  const moved = contact.slot !== contact.id;
  const guard = {
    ConditionExpression: unchanged,
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: unchangedValues(contact),
  };
  const reasons = await transact([
    moved
      ? { Put: { TableName: tableName(), Item: tombstone(contact), ...guard } }
      : { Delete: { TableName: tableName(), Key: contactKey(contact.id), ...guard } },
    counterUpdate(
      contact.projectId,
      contact.listId,
      shardOfEmail(emailKeyOf(contact.email)),
      countDelta(contact.status, -1),
    ),
    ...(moved ? [{ Delete: { TableName: tableName(), Key: contactKey(contact.slot) } }] : []),
  ]);
  if (!reasons) return;
  if (reasons[0] === 'ConditionalCheckFailed') throw new ContactChangedError();
  if (reasons[1] === 'ConditionalCheckFailed') throw new ListGoneError();
  throw new Error(`Contact delete cancelled: ${reasons.join(', ')}`);
}

/** The contacts of an address in these lists of the project (at most one per list). */
export async function contactsOfAddress(
  projectId: string,
  listIds: string[],
  email: string,
): Promise<ContactRecord[]> {
  const found: ContactRecord[] = [];
  await inParallel(listIds, 8, async (listId) => {
    const state = await slotState(listId, email);
    const contact = 'holder' in state ? await getContact(projectId, state.holder) : undefined;
    if (contact) found.push(contact);
  });
  return found;
}

/** What a page of a list may be narrowed to. */
export interface ContactFilter {
  status?: ContactStatus;
  /** Lower-cased; matches a substring of the address or the name. */
  search?: string;
  /** Only contacts whose lower-cased address sorts after this one (a cursor). */
  after?: string;
}

function shardQuery(listId: string, shard: number, filter: ContactFilter): QueryCommandInput {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': listPartition(listId, shard) };
  if (filter.after) values[':after'] = filter.after;
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
    IndexName: 'gsi1',
    KeyConditionExpression: filter.after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
    ...(conditions.length ? { FilterExpression: conditions.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
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
 * `offset + limit` items read, not the whole list (filters read what they pass over);
 * after a cursor (`filter.after`) the offset is 0 and a page costs its own size.
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
      if (head && (!best || String(head.gsi1sk) < String(best.gsi1sk))) smallest = index;
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
    Array.from({ length: contactShards }, (_, shard) => queryCount(shardQuery(listId, shard, filter))),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Deletes up to `max` of a deleted list's contacts and the markers of those that moved into
 * it; returns how many contacts it deleted, 0 when the list is empty.
 */
export async function purgeContacts(listId: string, max: number): Promise<number> {
  let purged = 0;
  for (let shard = 0; shard < contactShards && purged < max; shard++) {
    const { Items = [] } = await dynamo.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': listPartition(listId, shard) },
        ProjectionExpression: 'id, slot, projectId',
        Limit: Math.min(max - purged, 500),
      }),
    );
    // A contact that moved into this list leaves a tombstone at its id (see `tombstone`).
    const requests = Items.flatMap((item) =>
      item.slot === item.id
        ? [{ DeleteRequest: { Key: contactKey(String(item.id)) } }]
        : [
            { PutRequest: { Item: tombstone({ id: String(item.id), projectId: String(item.projectId) }) } },
            { DeleteRequest: { Key: contactKey(String(item.slot)) } },
          ],
    );
    await batchWriteAll(requests);
    purged += Items.length;
  }
  return purged;
}
