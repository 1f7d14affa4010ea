import { routeOf } from '#functions/api/route-of.ts';
import { accountView } from '#shared/account/account-view.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `GET /api/v1/account`: the calling key, its account's status and sending limits. Any valid key may ask. */
export const handler = apiHandler({ route: routeOf('GET /api/v1/account') }, async ({ caller }) => ({
  body: await accountView(caller),
}));
