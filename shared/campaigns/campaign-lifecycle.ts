/**
 * A campaign's life in one place: its statuses and which may follow which. The store
 * (`campaign-store.ts`) applies these transitions with conditional writes.
 *
 * ```
 *   draft ──launch──▶ sending ◀──resume── paused
 *     │                 │  └────pause─────▶ ▲   (by the caller, or automatically: see `pausedReason`)
 *     └─launch at──▶ scheduled ──its time──▶ sending
 *                       │                   │
 *                       │                   └──every recipient sent, skipped or failed──▶ completed
 *                       └──────────┬────────┴────── paused
 *                                  └──cancel──▶ cancelled
 * ```
 *
 * Only a draft may be edited or deleted: once launched, a campaign's content and list
 * are what its recipients were sent, and its log and statistics stay.
 */

export const campaignStatuses = [
  'draft',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'cancelled',
] as const;

export type CampaignStatus = (typeof campaignStatuses)[number];

export type CampaignAction =
  | 'edit'
  | 'delete'
  | 'launch'
  | 'start'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'complete';

/** From which statuses each action may be taken, and the status it leads to. */
export const campaignTransitions: Record<
  CampaignAction,
  { from: readonly CampaignStatus[]; to?: CampaignStatus }
> = {
  edit: { from: ['draft'] },
  delete: { from: ['draft'] },
  /** `scheduled` instead when launched with a future `scheduledAt`. */
  launch: { from: ['draft'], to: 'sending' },
  /** A scheduled campaign whose time has come. */
  start: { from: ['scheduled'], to: 'sending' },
  pause: { from: ['sending'], to: 'paused' },
  resume: { from: ['paused'], to: 'sending' },
  cancel: { from: ['scheduled', 'sending', 'paused'], to: 'cancelled' },
  complete: { from: ['sending'], to: 'completed' },
};

/** Why a campaign paused by itself (or `manual` for the caller's pause). */
export const pausedReasons = [
  'manual',
  'account_not_active',
  'bounce_rate',
  'complaint_rate',
  'ses_daily_quota',
  'quota_exceeded',
  'sandbox_daily_limit',
] as const;

export type PausedReason = (typeof pausedReasons)[number];
