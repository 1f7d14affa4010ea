import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { revokeKey } from '#shared/keys/key-service.ts';

/** `DELETE /api/v1/keys/:id`: revoke a key immediately. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/keys/{id}') },
  async ({ caller, params }) => ({
    body: await revokeKey(caller, params.id ?? ''),
  }),
);
