import { routeOf } from '#functions/api/route-of.ts';
import { assetCursor, listAssetsSchema } from '#shared/assets/asset-schema.ts';
import { pageAssets } from '#shared/assets/asset-service.ts';
import { assetView } from '#shared/assets/asset-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { parseQuery } from '#shared/http/parse-query.ts';

/** `GET /api/v1/assets?category&cursor`: newest first. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/assets') }, async ({ caller, query }) => {
  const { assets, hasMore } = await pageAssets(caller.projectId, parseQuery(listAssetsSchema, query));
  return {
    body: {
      object: 'list',
      data: assets.map(assetView),
      has_more: hasMore,
      next_cursor: assetCursor.after(assets.at(-1)?.id, hasMore),
    },
  };
});
