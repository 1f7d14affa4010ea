import { routeOf } from '#functions/api/route-of.ts';
import { removeAsset } from '#shared/assets/asset-service.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `DELETE /api/v1/assets/:id`: the file and its record. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/assets/{id}') },
  async ({ caller, params }) => {
    const asset = await removeAsset(caller.projectId, params.id ?? '');
    return { body: { object: 'asset', id: asset.id, deleted: true } };
  },
);
