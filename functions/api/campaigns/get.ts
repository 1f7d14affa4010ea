import { routeOf } from '#functions/api/route-of.ts';
import { campaignWithCounts } from '#shared/campaigns/campaign-service.ts';
import { campaignView } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/campaigns/:id`: status, progress and statistics, live. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/campaigns/{id}') },
  async ({ caller, params }) => {
    const { campaign, counts } = await campaignWithCounts(caller, params.id ?? '');
    return { body: { success: true, data: campaignView(campaign, counts) } };
  },
);
