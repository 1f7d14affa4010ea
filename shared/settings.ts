import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

/**
 * How long a function trusts a copy of a stored item it read (an account, an API key, a
 * campaign): the stack setting `cacheSeconds`, carried with the table's name, since
 * every such copy comes from the table. A change (a revoked key, a paused campaign, a
 * flagged account) reaches every function within this. Unset means the default.
 */
const env = capabilityEnv('table:readWrite', {
  CACHE_SECONDS: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(300))),
});

/** A retry schedule: `attempts` tries in all, pauses growing from `baseMs` to at most `maxMs` (see `shared/retry/backoff.ts`). */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** The part of each pause drawn at random (1: anywhere from 0 to the full pause). */
  readonly jitter: number;
}

export interface Settings {
  /** Lifetimes (milliseconds) of what a function instance keeps in memory. */
  readonly lifetimes: {
    /** An account (status, limits, reputation settings): the status check and the sending limits. */
    readonly account: number;
    /** An API key record, so a revoked key stops working within this. */
    readonly apiKey: number;
    /** A sender's copy of a campaign, so a pause or a cancel stops its mail within this. */
    readonly campaign: number;
    /** SES's sending quota, which changes rarely (a throttle forgets it at once). */
    readonly sesQuota: number;
    /** The signing keys secret: a rotated key signs everywhere within this. */
    readonly signingKeys: number;
    /** Between two writes of a key's last-used time. */
    readonly keyUse: number;
    /** Between two fresh reads of the signing keys for a key id this instance lacks (forged ids must not drive Secrets Manager). */
    readonly unknownSigningKey: number;
  };
  /** Retry schedules of the retried mechanisms. */
  readonly retries: {
    /** A transaction that met another on one of its items. */
    readonly transactionConflict: RetryPolicy;
    /** A plain write beside an email's change (a counter) that met a transaction holding its item. */
    readonly writeBesideChange: RetryPolicy;
    /** Items DynamoDB left unprocessed in a batch read or write. */
    readonly unprocessedItems: RetryPolicy;
    /** Entries SQS refused in a batch send for a reason of its own (not the message's). */
    readonly queueBatch: RetryPolicy;
    /** A request to S3, SQS or Secrets Manager that was throttled, failed with a 5xx, or never answered (the SDK's standard schedule). */
    readonly awsRequest: RetryPolicy;
    /** An email deferred (no SES capacity yet): its pause on the queue, in milliseconds. */
    readonly sendDeferral: RetryPolicy;
  };
}

/** The `cacheSeconds` stack setting's default, which a function assumes when its environment does not set it. */
export const defaultCacheSeconds = 5;

function read(): Settings {
  const cacheMs = (env().CACHE_SECONDS ?? defaultCacheSeconds) * 1000;
  return {
    lifetimes: {
      account: cacheMs,
      apiKey: cacheMs,
      campaign: cacheMs,
      sesQuota: 60_000,
      signingKeys: 5 * 60_000,
      keyUse: 60_000,
      unknownSigningKey: 30_000,
    },
    retries: {
      transactionConflict: { attempts: 10, baseMs: 25, maxMs: 1000, jitter: 1 },
      writeBesideChange: { attempts: 20, baseMs: 25, maxMs: 500, jitter: 1 },
      unprocessedItems: { attempts: 10, baseMs: 25, maxMs: 1000, jitter: 1 },
      queueBatch: { attempts: 4, baseMs: 50, maxMs: 1000, jitter: 1 },
      awsRequest: { attempts: 3, baseMs: 100, maxMs: 20_000, jitter: 1 },
      // At most a minute, at least three quarters of the step: 1,440 deferrals wait about a day.
      sendDeferral: { attempts: 1440, baseMs: 1000, maxMs: 60_000, jitter: 0.25 },
    },
  };
}

let current: Settings | undefined;

/**
 * The platform's lifetimes and retry schedules, read once at first use (never at import,
 * so any module may import this). Functions get the one operator setting through their
 * environment; everything else is a named constant here.
 */
export function settings(): Settings {
  current ??= read();
  return current;
}
