import { ApiError } from '#shared/errors.ts';
import { type AccountStatus, getAccount } from '#shared/tenancy/tenancy-store.ts';

/** How long a function trusts a status it read; a change reaches every sender within this (5 s). */
const cacheMs = 5_000;
const cache = new Map<string, { status: AccountStatus; readAt: number }>();

/**
 * The account's status, read at most every 5 seconds per function instance, unless
 * `fresh` asks for the stored value now (before acting on a status that stops work).
 */
export async function accountStatus(
  accountId: string,
  options: { fresh?: boolean } = {},
): Promise<AccountStatus> {
  const cached = cache.get(accountId);
  if (!options.fresh && cached && Date.now() - cached.readAt < cacheMs) return cached.status;
  const status = (await getAccount(accountId))?.status ?? 'deactivated';
  cache.set(accountId, { status, readAt: Date.now() });
  return status;
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
 * `account_<status>` and `accountStatus`, per the contract. Reads keep working.
 */
export async function requireActiveAccount(accountId: string): Promise<void> {
  const status = await accountStatus(accountId);
  if (status === 'active') return;
  throw new ApiError(`account_${status}`, messages[status], { accountStatus: status });
}
