import { routeOf } from '#functions/api/route-of.ts';
import { pauseCampaign } from '#shared/campaigns/campaign-service.ts';
import { campaignFields } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/campaigns/:id/pause`: stop sending (its queued mail waits, parked) until resumed. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/campaigns/{id}/pause') },
  async ({ caller, params }) => ({
    body: { success: true, data: campaignFields(await pauseCampaign(caller, params.id ?? '')) },
  }),
);
