import { routeOf } from '#functions/api/route-of.ts';
import { resumeCampaign } from '#shared/campaigns/campaign-service.ts';
import { campaignFields } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/campaigns/:id/resume`: go on from where it paused. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/campaigns/{id}/resume') },
  async ({ caller, params }) => ({
    body: { success: true, data: campaignFields(await resumeCampaign(caller, params.id ?? '')) },
  }),
);
