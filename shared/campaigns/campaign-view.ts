import type { CampaignCounts, CampaignRecord, CampaignSummary } from '#shared/campaigns/campaign-store.ts';
import type {
  campaignFieldsSchema,
  campaignSummarySchema,
  campaignViewSchema,
  createdCampaignSchema,
} from '#shared/campaigns/campaign-view-schema.ts';
import { displayMailbox } from '#shared/emails/address.ts';
import { publishEmailEvent } from '#shared/webhooks/publish-event.ts';
import type { WebhookEvent } from '#shared/webhooks/webhook-events.ts';
import type * as z from '#shared/zod.ts';

export function createdCampaignView(campaign: CampaignRecord): z.infer<typeof createdCampaignSchema> {
  return { id: campaign.id, name: campaign.name, status: campaign.status, listId: campaign.listId };
}

const sentOf = (campaign: Pick<CampaignRecord, 'tested'>, counts: CampaignCounts) =>
  counts.sent + (campaign.tested ?? 0);

export function campaignSummary(
  campaign: CampaignSummary,
  counts: CampaignCounts,
): z.infer<typeof campaignSummarySchema> {
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    sentCount: sentOf(campaign, counts),
  };
}

/** What a campaign is, without its figures (`PUT` answers with this). */
export function campaignFields(campaign: CampaignRecord): z.infer<typeof campaignFieldsSchema> {
  return {
    id: campaign.id,
    name: campaign.name,
    subject: campaign.subject,
    fromEmail: displayMailbox(campaign.from),
    listId: campaign.listId,
    content: campaign.content,
    status: campaign.status,
    createdAt: campaign.createdAt,
    updatedAt: campaign.updatedAt,
    ...(campaign.jobId ? { jobId: campaign.jobId } : {}),
    ...(campaign.scheduledAt ? { scheduledAt: campaign.scheduledAt } : {}),
    ...(campaign.launchedAt ? { launchedAt: campaign.launchedAt } : {}),
    ...(campaign.completedAt ? { completedAt: campaign.completedAt } : {}),
    ...(campaign.cancelledAt ? { cancelledAt: campaign.cancelledAt } : {}),
    ...(campaign.status === 'paused' && campaign.pausedReason ? { pausedReason: campaign.pausedReason } : {}),
  };
}

/**
 * `GET /api/v1/campaigns/:id`: the campaign with its live figures. `progress.total` is
 * the list's subscribed contacts at launch until every recipient is written (or the
 * campaign is cancelled), then the exact number written; `skipped` counts suppressed addresses and mail a cancel stopped.
 */
export function campaignView(
  campaign: CampaignRecord,
  counts: CampaignCounts,
): z.infer<typeof campaignViewSchema> {
  const written = campaign.written ?? 0;
  const sent = sentOf(campaign, counts);
  const skipped = (campaign.skipped ?? 0) + counts.canceled;
  const failed = counts.failed;
  // A cancelled campaign's recipients are the ones it reached before the cancel.
  const final = campaign.expanded || campaign.status === 'cancelled';
  const total = final ? written : Math.max(written, campaign.plannedRecipients ?? 0);
  const finished = sent + skipped + failed;
  const percent =
    total === 0
      ? campaign.status === 'completed'
        ? 100
        : 0
      : Math.min(100, Math.floor((finished / total) * 100));
  return {
    ...campaignFields(campaign),
    sentCount: sent,
    stats: {
      delivered: counts.delivered,
      opened: counts.opened,
      clicked: counts.clicked,
      bounced: counts.bounced,
      complained: counts.complained,
      unsubscribed: counts.unsubscribed,
    },
    progress: { total, queued: Math.max(0, written - finished), sent, skipped, failed, percent },
  };
}

/** Tells the project's webhooks that a campaign started, paused or completed. */
export async function publishCampaignEvent(
  campaign: CampaignRecord,
  event: Extract<WebhookEvent, `campaign.${string}`>,
  at: string,
  stats?: Record<string, number>,
): Promise<void> {
  await publishEmailEvent(
    campaign.projectId,
    event,
    {
      campaign_id: campaign.id,
      name: campaign.name,
      status: campaign.status,
      list_id: campaign.listId,
      ...(campaign.pausedReason && campaign.status === 'paused'
        ? { paused_reason: campaign.pausedReason }
        : {}),
      ...(stats ? { stats } : {}),
    },
    at,
  );
}
