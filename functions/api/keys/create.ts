import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { createKeySchema } from '#shared/keys/key-schema.ts';
import { createKey } from '#shared/keys/key-service.ts';

/** `POST /api/v1/keys`: a new key, shown once. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/keys'), body: createKeySchema },
  async ({ caller, body }) => ({ body: await createKey(caller, body) }),
);
