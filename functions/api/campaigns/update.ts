import { routeOf } from '#functions/api/route-of.ts';
import { updateCampaignSchema } from '#shared/campaigns/campaign-schema.ts';
import { updateCampaign } from '#shared/campaigns/campaign-service.ts';
import { campaignFields } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `PUT /api/v1/campaigns/:id`: any subset of the draft's fields (409 once launched). */
export const handler = apiHandler(
  { route: routeOf('PUT /api/v1/campaigns/{id}'), body: updateCampaignSchema },
  async ({ caller, params, body }) => ({
    body: { success: true, data: campaignFields(await updateCampaign(caller, params.id ?? '', body)) },
  }),
);
