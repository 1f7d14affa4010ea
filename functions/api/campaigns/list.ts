import { routeOf } from '#functions/api/route-of.ts';
import { listCampaignsSchema } from '#shared/campaigns/campaign-schema.ts';
import { pageCampaigns } from '#shared/campaigns/campaign-service.ts';
import { campaignSummary } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';

/** `GET /api/v1/campaigns?page&pageSize&status`: newest first. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/campaigns') }, async ({ caller, query }) => {
  const options = parseQuery(listCampaignsSchema, query);
  const { rows, total } = await pageCampaigns(caller, options);
  return {
    body: {
      success: true,
      data: rows.map(({ campaign, counts }) => campaignSummary(campaign, counts)),
      pagination: { total, page: options.page, pageSize: options.pageSize },
    },
  };
});
