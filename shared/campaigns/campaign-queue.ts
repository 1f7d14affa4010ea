import { sendQueueBatch } from '#shared/aws/queue-batch.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv(['campaignQueue:send', 'campaignQueue:consume'], {
  CAMPAIGN_QUEUE_URL: z.string().check(z.url()),
});

/** The campaign queue's message: a tick of one campaign. */
export const campaignTickSchema = z.object({ projectId: z.string(), campaignId: z.string() });
export type CampaignTick = z.infer<typeof campaignTickSchema>;

/** Asks the runner for a tick of each campaign now (see `sendQueueBatch`). */
export async function queueCampaignTicks(ticks: CampaignTick[]): Promise<void> {
  const refused = await sendQueueBatch(
    env().CAMPAIGN_QUEUE_URL,
    ticks.map((tick) => ({ body: tick })),
  );
  if (refused.length > 0) throw new Error(`The campaign queue refused ${refused.length} ticks`);
}
