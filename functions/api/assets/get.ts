import { routeOf } from '#functions/api/route-of.ts';
import { findAsset } from '#shared/assets/asset-service.ts';
import { assetView } from '#shared/assets/asset-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/assets/:id`. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/assets/{id}') },
  async ({ caller, params }) => ({
    body: assetView(await findAsset(caller.projectId, params.id ?? '')),
  }),
);
