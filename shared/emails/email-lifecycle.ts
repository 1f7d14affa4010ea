/**
 * An email's life in one place: its statuses, which may follow which, and why. The
 * store (`email-store.ts`) applies these transitions with conditional writes; it does
 * not invent others.
 *
 * ```
 *   accepted ─┬─▶ test                        (a test key: logged, never handed to SES)
 *             ├─▶ scheduled ──(its time)──┐
 *             └─▶ queued ◀────────────────┘
 *                   │ ▲ ╲
 *                   │ │  ╲──▶ canceled          (POST …/cancel while scheduled; a campaign cancelled)
 *                   │ └── held / parked         (its account is not active; its campaign paused):
 *                   │                            still waiting, off the queue, queued again later
 *                   ▼
 *                (claimed) ──▶ failed           (SES refused it, retries ran out, or SES may have it:
 *                   │                            `unknown_outcome`, which SES's own events may overturn)
 *                   ▼
 *                 sent ──▶ delivery_delayed ──▶ delivered ──▶ opened ──▶ clicked
 *                   └──────────────┴──────────────┴────────────┴──────────┴──▶ bounced ──▶ complained
 * ```
 *
 * `rejected` (SES's virus check) and `suppressed` end an email like `failed`. A claim is
 * not a status: a `queued` email with `sendClaimedAt` is being handed to SES, and the
 * claim is what makes that happen at most once. SES events arrive late, out of order
 * and more than once, so a status only ever moves to a stronger one (`rank`).
 */

/** Every status an email can have; clients filter and branch on these names, so they never change. */
export const emailStatuses = [
  'queued',
  'scheduled',
  'sent',
  'delivered',
  'delivery_delayed',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'rejected',
  'failed',
  'suppressed',
  'canceled',
  'test',
] as const;

export type EmailStatus = (typeof emailStatuses)[number];

/**
 * How strong each status is: complained > bounced > clicked > opened > delivered >
 * delivery_delayed > sent > queued. Outcomes decided before SES accepted the message
 * (rejected, failed, suppressed, canceled, test) are never overwritten, except the
 * unknown outcome (see `email-store.ts`).
 */
const rank: Record<EmailStatus, number> = {
  queued: 0,
  scheduled: 0,
  sent: 10,
  delivery_delayed: 20,
  delivered: 30,
  opened: 40,
  clicked: 45,
  bounced: 50,
  complained: 60,
  rejected: 100,
  failed: 100,
  suppressed: 100,
  canceled: 100,
  test: 100,
};

/** The statuses an email may be in for `next` to replace it. */
export function statusesWeakerThan(next: EmailStatus): EmailStatus[] {
  return emailStatuses.filter((status) => rank[status] < rank[next]);
}

/** Statuses of an email still waiting to be handed to SES: it may be claimed, held, parked or canceled. */
export const waitingStatuses = ['queued', 'scheduled'] as const satisfies readonly EmailStatus[];

/** Whether the email is still waiting to be handed to SES. */
export function isWaiting(status: string | undefined): boolean {
  return (waitingStatuses as readonly string[]).includes(status ?? '');
}

/** The failure reason SES's own events may overturn: an attempt that may or may not have reached SES. */
export const unknownOutcome = 'unknown_outcome';
