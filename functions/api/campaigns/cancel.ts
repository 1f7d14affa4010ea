import { routeOf } from '#functions/api/route-of.ts';
import { cancelCampaign } from '#shared/campaigns/campaign-service.ts';
import { campaignFields } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/campaigns/:id/cancel`: stop for good; mail not yet handed to SES is canceled. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/campaigns/{id}/cancel') },
  async ({ caller, params }) => ({
    body: { success: true, data: campaignFields(await cancelCampaign(caller, params.id ?? '')) },
  }),
);
