/**
 * Contact lists and their live counters in the single table.
 *
 * Access patterns (pk / sk):
 * - a project's lists with every counter, in one query ... LISTS#<projectId> / <listId> (the list)
 *                                                          and <listId>#<shard> (its counters)
 * - lists waiting to have their contacts purged ........... gsi2: LISTS#PURGE / <listId>
 *
 * A list's counts live on one counter item per contact shard (see `contact-store.ts`), so
 * the transactions that add contacts to different shards never touch the same item
 * (DynamoDB cancels concurrent transactions on one item). Each contact write adjusts its
 * shard's counter in the same transaction, with the condition that the counter exists:
 * deleting a list removes its counters first, so nothing can be added to it afterwards.
 */
import { DeleteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, queryAll, tableName, writeIf } from '#shared/aws/dynamodb.ts';
import { transact } from '#shared/aws/transact.ts';
import { type ContactStatus, contactStatuses } from '#shared/contacts/contact-status.ts';

/** How many partitions a list's contacts spread over (and so counter items it has). */
export const contactShards = 8;

export interface ListRecord {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** A list's contacts by status, and all of them. */
export type ListCounts = Record<ContactStatus | 'total', number>;

export interface ListWithCounts extends ListRecord {
  counts: ListCounts;
}

const listsKey = (projectId: string) => `LISTS#${projectId}`;
const listKey = (projectId: string, listId: string) => ({ pk: listsKey(projectId), sk: listId });

/** The key of the counter item of one contact shard of a list. */
export const counterKey = (projectId: string, listId: string, shard: number) => ({
  pk: listsKey(projectId),
  sk: `${listId}#${shard}`,
});

const emptyCounts = (): ListCounts => ({
  total: 0,
  ...(Object.fromEntries(contactStatuses.map((status) => [status, 0])) as Record<ContactStatus, number>),
});

const shards = () => Array.from({ length: contactShards }, (_, shard) => shard);

/** Creates a list and its counters in one transaction. */
export async function putNewList(list: ListRecord): Promise<void> {
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(),
            Item: { ...listKey(list.projectId, list.id), kind: 'list', ...list },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...shards().map((shard) => ({
          Put: {
            TableName: tableName(),
            Item: { ...counterKey(list.projectId, list.id, shard), kind: 'counter', ...emptyCounts() },
          },
        })),
      ],
    }),
  );
}

/** Folds a query of the lists partition (lists and counters) into lists with their counts. */
function foldLists(items: Record<string, unknown>[]): ListWithCounts[] {
  const lists = new Map<string, ListWithCounts>();
  const counters: Record<string, unknown>[] = [];
  for (const item of items) {
    if (item.kind === 'list' && !item.deletedAt) {
      const { pk: _pk, sk: _sk, kind: _kind, ...record } = item;
      lists.set(String(item.id), { ...(record as unknown as ListRecord), counts: emptyCounts() });
    } else if (item.kind === 'counter') counters.push(item);
  }
  for (const counter of counters) {
    const list = lists.get(String(counter.sk).split('#')[0] ?? '');
    if (!list) continue;
    for (const name of Object.keys(list.counts) as (keyof ListCounts)[]) {
      list.counts[name] += Number(counter[name] ?? 0);
    }
  }
  return [...lists.values()];
}

/** The project's lists with their live counts, oldest first, in one query. */
export async function listProjectLists(projectId: string): Promise<ListWithCounts[]> {
  return foldLists(
    await queryAll({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': listsKey(projectId) },
      ConsistentRead: true,
    }),
  );
}

/** One list of the project with its counts, or nothing (deleted lists included). */
export async function getList(projectId: string, listId: string): Promise<ListWithCounts | undefined> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :list)',
    ExpressionAttributeValues: { ':pk': listsKey(projectId), ':list': listId },
    ConsistentRead: true,
  });
  return foldLists(items).find((list) => list.id === listId);
}

/** Renames a list; false when the project has no such list. */
export async function renameList(projectId: string, listId: string, name: string, now: string) {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: listKey(projectId, listId),
        UpdateExpression: 'SET #name = :name, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': name, ':now': now },
      }),
    ),
  );
  return outcome.written;
}

/**
 * Deletes a list at once for every reader (the list is marked deleted and its counters
 * go, so no contact can be added to it any more) and leaves its contacts to the purge
 * job, which removes them in the background: a list may hold far more contacts than one
 * request can delete. False when the project has no such list.
 */
export async function markListDeleted(projectId: string, listId: string, now: string): Promise<boolean> {
  const reasons = await transact([
    {
      Update: {
        TableName: tableName(),
        Key: listKey(projectId, listId),
        UpdateExpression: 'SET deletedAt = :now, gsi2pk = :purge, gsi2sk = :list',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
        ExpressionAttributeValues: { ':now': now, ':purge': 'LISTS#PURGE', ':list': listId },
      },
    },
    ...shards().map((shard) => ({
      Delete: { TableName: tableName(), Key: counterKey(projectId, listId, shard) },
    })),
  ]);
  if (!reasons) return true;
  if (reasons[0] === 'ConditionalCheckFailed') return false;
  throw new Error(`List delete cancelled: ${reasons.join(', ')}`);
}

/** Lists deleted and still holding contacts, across projects. */
export async function listsToPurge(): Promise<{ projectId: string; listId: string }[]> {
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :purge',
    ExpressionAttributeValues: { ':purge': 'LISTS#PURGE' },
  });
  return items.map((item) => ({ projectId: String(item.projectId), listId: String(item.id) }));
}

/** Forgets a deleted list once its contacts are gone. */
export async function forgetList(projectId: string, listId: string): Promise<void> {
  await dynamo.send(
    new DeleteCommand({
      TableName: tableName(),
      Key: listKey(projectId, listId),
      ConditionExpression: 'attribute_exists(deletedAt)',
    }),
  );
}
