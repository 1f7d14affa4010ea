import { queueCampaignTicks } from '#shared/campaigns/campaign-queue.ts';
import { liveCampaigns } from '#shared/campaigns/campaign-store.ts';

/**
 * Every minute: a tick for each campaign that is sending, draining a cancel, or
 * scheduled for now, so each goes on (or starts) without anything else to prompt it.
 */
export const handler = async () => {
  const due = await liveCampaigns(new Date().toISOString());
  await queueCampaignTicks(
    due.map((campaign) => ({ projectId: campaign.projectId, campaignId: campaign.id })),
  );
  return { ticked: due.length };
};
