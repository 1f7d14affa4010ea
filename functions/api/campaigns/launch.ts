import { routeOf } from '#functions/api/route-of.ts';
import { launchCampaignSchema } from '#shared/campaigns/campaign-schema.ts';
import { launchCampaign } from '#shared/campaigns/campaign-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { publicBaseUrl } from '#shared/http/public-url.ts';

/** `POST /api/v1/campaigns/:id/launch` (optionally `{scheduledAt}`): the runner takes it from here. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/campaigns/{id}/launch'), body: launchCampaignSchema, bodyOptional: true },
  async ({ event, caller, params, body }) => {
    const campaign = await launchCampaign(caller, params.id ?? '', body, publicBaseUrl(event));
    return {
      body: {
        success: true,
        jobId: campaign.jobId,
        status: campaign.status,
        ...(campaign.scheduledAt ? { scheduledAt: campaign.scheduledAt } : {}),
      },
    };
  },
);
