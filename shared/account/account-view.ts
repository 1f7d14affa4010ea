import type { accountViewSchema } from '#shared/account/account-view-schema.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { sendingLimits } from '#shared/limits/account-limits.ts';
import { cachedAccount } from '#shared/tenancy/account-status.ts';
import type * as z from '#shared/zod.ts';

export async function accountView(caller: Principal): Promise<z.infer<typeof accountViewSchema>> {
  const account = await cachedAccount(caller.accountId);
  const limits = await sendingLimits(caller.accountId);
  return {
    object: 'account',
    key: {
      id: caller.keyId,
      name: caller.keyName,
      mode: caller.mode,
      scopes: [...caller.scopes],
      domains: [...caller.domains],
    },
    project_id: caller.projectId,
    account: {
      id: caller.accountId,
      status: account?.status ?? 'deactivated',
      status_reason: account?.statusReason ?? null,
      status_changed_at: account?.statusChangedAt ?? null,
    },
    limits: {
      per_second: limits.perSecond,
      per_minute: limits.perMinute,
      per_hour: limits.perHour,
      per_day: limits.perDay,
      monthly_quota: limits.monthlyQuota,
    },
  };
}
