/**
 * A project's emails, a page at a time: every shard of the project's email partitions
 * (see `email-store.ts`) is queried over the same key range, and the pages are merged in
 * id order, which is creation order.
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryCount, queryPage, tableName } from '#shared/aws/dynamodb.ts';
import type { EmailStatus } from '#shared/emails/email-lifecycle.ts';
import { type EmailRecord, emailOf, emailPartition, emailShards } from '#shared/emails/email-store.ts';
import { ulidAlphabet } from '#shared/ids.ts';

export interface EmailListQuery {
  projectId: string;
  limit: number;
  order: 'asc' | 'desc';
  startingAfter?: string;
  status?: EmailStatus;
  domain?: string;
  /** `name` (the tag is present) or `name:value`. */
  tag?: string;
  /** Id bounds from the date range: ULIDs sort by time. */
  fromId?: string;
  toId?: string;
}

/** The smallest key above `id`: ids have one length and sort below `~`. */
function idAfter(id: string): string {
  return `${id}~`;
}

/** The largest id below `id` (its ULID minus one), so an inclusive bound excludes `id` itself. */
function idBefore(id: string): string {
  const chars = [...id];
  for (let i = chars.length - 1; i >= 0; i -= 1) {
    const index = ulidAlphabet.indexOf(chars[i] ?? '');
    if (index < 0) return id.slice(0, i);
    if (index > 0) {
      chars[i] = ulidAlphabet[index - 1] ?? '0';
      return chars.join('');
    }
    chars[i] = ulidAlphabet.at(-1) ?? 'Z';
  }
  return '';
}

const maxOf = (a: string | undefined, b: string) => (a !== undefined && a > b ? a : b);
const minOf = (a: string | undefined, b: string) => (a !== undefined && a < b ? a : b);

/** The page query (from the cursor), or the count query (the whole range). */
function listQuery(query: EmailListQuery, shard: number, purpose: 'page' | 'count'): QueryCommandInput {
  const withCursor = purpose === 'page';
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':pk': emailPartition(query.projectId, shard) };
  let lower = query.fromId;
  let upper = query.toId;
  // Key conditions take one range, so the cursor narrows the date bounds (inclusive).
  if (withCursor && query.startingAfter) {
    if (query.order === 'asc') lower = maxOf(lower, idAfter(query.startingAfter));
    else upper = minOf(upper, idBefore(query.startingAfter));
  }
  let key = 'pk = :pk';
  if (lower !== undefined && upper !== undefined) {
    key += ' AND sk BETWEEN :lower AND :upper';
    values[':lower'] = lower;
    values[':upper'] = upper;
  } else if (lower !== undefined) {
    key += ' AND sk >= :lower';
    values[':lower'] = lower;
  } else if (upper !== undefined) {
    key += ' AND sk <= :upper';
    values[':upper'] = upper;
  }
  const filters: string[] = [];
  if (query.status) {
    filters.push('#status = :status');
    names['#status'] = 'status';
    values[':status'] = query.status;
  }
  if (query.domain) {
    filters.push('fromDomain = :domain');
    values[':domain'] = query.domain;
  }
  if (query.tag) {
    const [name = '', value] = query.tag.split(':', 2);
    names['#tag'] = name;
    if (value === undefined) filters.push('attribute_exists(tags.#tag)');
    else {
      filters.push('tags.#tag = :tagValue');
      values[':tagValue'] = value;
    }
  }
  return {
    TableName: tableName(),
    KeyConditionExpression: key,
    FilterExpression: filters.length > 0 ? filters.join(' AND ') : undefined,
    ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
    ExpressionAttributeValues: values,
    ScanIndexForward: query.order === 'asc',
  };
}

const shards = Array.from({ length: emailShards }, (_, shard) => shard);

/**
 * One page of a project's emails after the cursor, plus the total that match the
 * filters (a COUNT query per shard over the same key range, without the cursor).
 */
export async function listEmails(
  query: EmailListQuery,
): Promise<{ emails: EmailRecord[]; hasMore: boolean; total: number }> {
  const [pages, counts] = await Promise.all([
    Promise.all(shards.map((shard) => queryPage(listQuery(query, shard, 'page'), query.limit))),
    Promise.all(shards.map((shard) => queryCount(listQuery(query, shard, 'count')))),
  ]);
  const direction = query.order === 'asc' ? 1 : -1;
  const merged = pages
    .flatMap((page) => page.items)
    .sort((a, b) => direction * String(a.sk).localeCompare(String(b.sk)));
  const emails = merged.slice(0, query.limit).map((item) => emailOf(item).email);
  const hasMore = merged.length > query.limit || pages.some((page) => page.hasMore);
  return { emails, hasMore, total: counts.reduce((sum, count) => sum + count, 0) };
}
