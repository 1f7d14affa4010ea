import type { Principal } from '#shared/auth/principal.ts';
import { campaignTotals } from '#shared/campaigns/campaign-store.ts';
import { countProjectContacts } from '#shared/contacts/contact-service.ts';
import { listProjectDomains } from '#shared/domains/domain-store.ts';
import { rates } from '#shared/reputation/reputation-policy.ts';
import { windowFigures } from '#shared/reputation/reputation-store.ts';
import { type DailyStats, dailyStats } from '#shared/stats/stats-store.ts';
import { accountStatus } from '#shared/tenancy/account-status.ts';

const day = (time: number) => new Date(time).toISOString().slice(0, 10);
const ratio = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

function totals(days: DailyStats[]) {
  const sum = (name: keyof Omit<DailyStats, 'day'>) => days.reduce((total, row) => total + row[name], 0);
  const sent = sum('sent');
  const bounced = sum('bounced');
  const complained = sum('complained');
  return {
    sent,
    delivered: sum('delivered'),
    bounced,
    soft_bounced: sum('soft_bounced'),
    complained,
    opened: sum('opened'),
    clicked: sum('clicked'),
  };
}

/** With each total, its rate over the sends (delivered, bounced, complained, opened, clicked). */
export function withRates(figures: ReturnType<typeof totals>) {
  return {
    ...figures,
    delivery_rate: ratio(figures.delivered, figures.sent),
    bounce_rate: ratio(figures.bounced, figures.sent),
    complaint_rate: ratio(figures.complained, figures.sent),
    open_rate: ratio(figures.opened, figures.delivered),
    click_rate: ratio(figures.clicked, figures.delivered),
  };
}

/** `GET /api/v1/stats`: the project's counts plus the reputation figures (docs/api.md). */
export async function projectStats(caller: Principal, now = Date.now()) {
  const monthStart = `${day(now).slice(0, 7)}-01`;
  const [month, last30, window, domains, status, contacts, campaigns] = await Promise.all([
    dailyStats(caller.projectId, monthStart, day(now)),
    dailyStats(caller.projectId, day(now - 29 * 86_400_000), day(now)),
    windowFigures(caller.accountId, now),
    listProjectDomains(caller.projectId),
    accountStatus(caller.accountId),
    countProjectContacts(caller.projectId),
    campaignTotals(caller.projectId),
  ]);
  const thirty = totals(last30);
  const day24 = rates(window);
  return {
    contacts,
    campaigns,
    emailsThisMonth: totals(month).sent,
    domains: domains.length,
    bounceRate24h: ratio(day24.bounceRate, 1),
    complaintRate24h: ratio(day24.complaintRate, 1),
    bounceRate30d: ratio(thirty.bounced, thirty.sent),
    complaintRate30d: ratio(thirty.complained, thirty.sent),
    accountStatus: status,
  };
}

/** `GET /api/v1/analytics/summary`: totals and rates for the range, and per day. */
export async function analyticsSummary(caller: Principal, from: string, to: string) {
  const days = await dailyStats(caller.projectId, from, to);
  return {
    from,
    to,
    ...withRates(totals(days)),
    days: days.map((row) => ({ date: row.day, ...withRates(totals([row])) })),
  };
}
