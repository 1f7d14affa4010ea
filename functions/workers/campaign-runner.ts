import { campaignTickSchema } from '#shared/campaigns/campaign-queue.ts';
import { runCampaignTick } from '#shared/campaigns/campaign-runner.ts';
import { queueWorker } from '#shared/lambda/queue-worker.ts';

/** Campaign queue → one tick of the campaign it names (see `runCampaignTick`). */
export const handler = queueWorker(async (record) => {
  const tick = campaignTickSchema.parse(JSON.parse(record.body || 'null'));
  await runCampaignTick(tick.projectId, tick.campaignId);
});
