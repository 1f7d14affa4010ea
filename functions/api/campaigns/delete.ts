import { routeOf } from '#functions/api/route-of.ts';
import { removeCampaign } from '#shared/campaigns/campaign-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `DELETE /api/v1/campaigns/:id`: drafts only; a launched campaign keeps its log and statistics (409). */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/campaigns/{id}') },
  async ({ caller, params }) => {
    await removeCampaign(caller, params.id ?? '');
    return { body: { id: params.id, deleted: true } };
  },
);
