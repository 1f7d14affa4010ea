import { TtlCache } from '#shared/cache/ttl-cache.ts';
import { ApiError } from '#shared/errors.ts';
import { settings } from '#shared/settings.ts';
import { type Account, type AccountStatus, getAccount } from '#shared/tenancy/tenancy-store.ts';

/** Accounts this instance read; a change reaches every function within the lifetime. */
const accounts = new TtlCache<string, Promise<Account | undefined>>(() => settings().lifetimes.account);

/**
 * The account (its status, limits, reputation settings), read at most once per
 * `lifetimes.account` (5 s) per function instance, unless `fresh` asks for the stored
 * item now (before acting on a status that stops work). One read serves the status
 * check and the sending limits.
 */
export async function cachedAccount(
  accountId: string,
  options: { fresh?: boolean } = {},
): Promise<Account | undefined> {
  return accounts.remember(accountId, () => getAccount(accountId), options);
}

/** The account's status; an account that is gone counts as deactivated. */
export async function accountStatus(
  accountId: string,
  options: { fresh?: boolean } = {},
): Promise<AccountStatus> {
  return (await cachedAccount(accountId, options))?.status ?? 'deactivated';
}

const messages: Record<Exclude<AccountStatus, 'active'>, string> = {
  flagged:
    'Account is flagged for review due to its bounce or complaint rate. Sending is paused; contact the operator.',
  suspended:
    'Account is suspended after a critical reputation hit. A compliance review is needed; contact the operator.',
  deactivated: 'Account is deactivated.',
};

/**
 * Refuses a change (any non-GET request) for an account that is not `active`: 403 with
 * `account_<status>` and `accountStatus`, so a client can tell why. Reads keep working.
 */
export async function requireActiveAccount(accountId: string): Promise<void> {
  const status = await accountStatus(accountId);
  if (status === 'active') return;
  throw new ApiError(`account_${status}`, messages[status], { accountStatus: status });
}
