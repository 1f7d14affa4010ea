import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { listKeys } from '#shared/keys/key-service.ts';

/** `GET /api/v1/keys`: the project's keys, never their secrets. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/keys') }, async ({ caller }) => ({
  body: { object: 'list', data: await listKeys(caller) },
}));
