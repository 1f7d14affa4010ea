import { createHash } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';

/**
 * Every id prefix clients see (`em_`, `con_`, …); an id is the prefix followed by a ULID,
 * so ids sort by time.
 */
export const idPrefixes = {
  email: 'em_',
  batch: 'batch_',
  domain: 'dom_',
  apiKey: 'key_',
  webhook: 'whk_',
  webhookDelivery: 'whd_',
  event: 'evt_',
  contact: 'con_',
  list: 'lst_',
  campaign: 'cmp_',
  job: 'job_',
  template: 'tpl_',
  asset: 'ast_',
  account: 'acc_',
  project: 'prj_',
} as const;

export type IdKind = keyof typeof idPrefixes;

// Monotonic so ids made in the same millisecond still sort in creation order,
// which the email list relies on for its cursor.
const nextUlid = monotonicFactory();

/** A new id such as `em_01JD8X3M4Q5R6S7T8V9W0XYZAB`: sortable by creation time. */
export function newId(kind: IdKind, now = Date.now()): string {
  return `${idPrefixes[kind]}${nextUlid(now)}`;
}

const ulidPattern = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** Crockford's base 32, the alphabet of ULIDs, in sort order. */
export const ulidAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Which of `shards` partitions an id belongs to, from its last character (random, or
 * counting up within a millisecond), so a resource's items spread evenly and an id alone
 * finds its partition.
 */
export function shardOfId(id: string, shards: number): number {
  return Math.max(0, ulidAlphabet.indexOf(id.at(-1) ?? '0')) % shards;
}

/** Whether `value` is a well-formed id of `kind` (prefix and ULID both checked). */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = idPrefixes[kind];
  return value.startsWith(prefix) && ulidPattern.test(value.slice(prefix.length));
}

/**
 * The first or last possible id of `kind` made at `time` (a ULID starts with its
 * millisecond timestamp), so a time range becomes a key range.
 */
export function idBoundAt(kind: IdKind, time: number, edge: 'first' | 'last'): string {
  return `${idPrefixes[kind]}${encodeTime(time, 10)}${(edge === 'first' ? '0' : 'Z').repeat(16)}`;
}

/**
 * An id of `kind` fixed by `seed`: the time part of `timeOf` (another id, whose ULID
 * time it borrows) and 80 bits of the seed's SHA-256 as the rest, so the same seed always
 * names the same item and a conditional write on it is a uniqueness check.
 */
export function derivedId(kind: IdKind, timeOf: string, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let rest = '';
  for (let shift = 75n; shift >= 0n; shift -= 5n) rest += ulidAlphabet[Number((bits >> shift) & 31n)];
  const time = timeOf.slice(timeOf.indexOf('_') + 1, timeOf.indexOf('_') + 11);
  return `${idPrefixes[kind]}${time}${rest}`;
}
