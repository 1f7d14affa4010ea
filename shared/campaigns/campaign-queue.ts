import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { queueBody } from '#shared/aws/queue-body.ts';
import { sqs } from '#shared/aws/sqs.ts';
import { capabilityEnv } from '#shared/env.ts';
import * as z from '#shared/zod.ts';

const env = capabilityEnv(['campaignQueue:send', 'campaignQueue:consume'], {
  CAMPAIGN_QUEUE_URL: z.string().check(z.url()),
});

/** The campaign queue's message: a tick of one campaign. */
export const campaignTickSchema = z.object({ projectId: z.string(), campaignId: z.string() });
export type CampaignTick = z.infer<typeof campaignTickSchema>;

/** Asks the runner for a tick of each campaign now (ten to a request). */
export async function queueCampaignTicks(ticks: CampaignTick[]): Promise<void> {
  for (let start = 0; start < ticks.length; start += 10) {
    const chunk = ticks.slice(start, start + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: env().CAMPAIGN_QUEUE_URL,
        Entries: chunk.map((tick, index) => ({ Id: String(index), MessageBody: queueBody(tick) })),
      }),
    );
    if (Failed.length > 0) throw new Error(`The campaign queue refused ${Failed.length} ticks`);
  }
}
