import { routeOf } from '#functions/api/route-of.ts';
import { createCampaignSchema } from '#shared/campaigns/campaign-schema.ts';
import { createCampaign } from '#shared/campaigns/campaign-service.ts';
import { createdCampaignView } from '#shared/campaigns/campaign-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `POST /api/v1/campaigns`: a draft campaign to one list. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/campaigns'), body: createCampaignSchema },
  async ({ caller, body }) => ({ body: createdCampaignView(await createCampaign(caller, body)) }),
);
