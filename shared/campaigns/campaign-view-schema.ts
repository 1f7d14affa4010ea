import { campaignStatuses, pausedReasons } from '#shared/campaigns/campaign-lifecycle.ts';
import * as z from '#shared/zod.ts';

const status = z.enum(campaignStatuses);

/** `POST /api/v1/campaigns`: the creation answer, a draft. */
export const createdCampaignSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  status,
  listId: z.string(),
});

/** A row of `GET /api/v1/campaigns`. */
export const campaignSummarySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  status,
  sentCount: z.number(),
});

/** What a campaign is, without its figures. */
export const campaignFieldsSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  subject: z.string(),
  fromEmail: z.string(),
  listId: z.string(),
  content: z.string(),
  status,
  createdAt: z.string(),
  updatedAt: z.string(),
  jobId: z.optional(z.string()),
  scheduledAt: z.optional(z.string()),
  launchedAt: z.optional(z.string()),
  completedAt: z.optional(z.string()),
  cancelledAt: z.optional(z.string()),
  /** Why a paused campaign stopped: `manual`, or the rule that paused it by itself. */
  pausedReason: z.optional(z.enum(pausedReasons)),
});

/** A campaign with its live figures. */
export const campaignViewSchema = z.strictObject({
  ...campaignFieldsSchema.shape,
  sentCount: z.number(),
  stats: z.strictObject({
    delivered: z.number(),
    opened: z.number(),
    clicked: z.number(),
    bounced: z.number(),
    complained: z.number(),
    unsubscribed: z.number(),
  }),
  progress: z.strictObject({
    total: z.number(),
    queued: z.number(),
    sent: z.number(),
    skipped: z.number(),
    failed: z.number(),
    percent: z.number(),
  }),
});
