import { routeOf } from '#functions/api/route-of.ts';
import { uploadAsset } from '#shared/assets/asset-service.ts';
import { assetView } from '#shared/assets/asset-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { multipartFile } from '#shared/http/multipart.ts';
import { assetStore } from '#shared/resources.ts';

/** `POST /api/v1/assets` (multipart, field `file`, at most 2 MB): a file at a permanent public URL. */
export const handler = apiHandler({ route: routeOf('POST /api/v1/assets') }, async ({ caller, event }) => ({
  body: assetView(
    await uploadAsset(caller.projectId, await multipartFile(event, 'file', assetStore.maxBytes)),
  ),
}));
