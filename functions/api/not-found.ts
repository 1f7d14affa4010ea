import { NotFoundError } from '#shared/errors.ts';
import { publicHandler } from '#shared/http/public-handler.ts';

/** Every path no route matches: the contract's JSON 404. */
export const handler = publicHandler(async (event) => {
  throw new NotFoundError(`Route ${event.requestContext.http.method} ${event.rawPath}`);
});
