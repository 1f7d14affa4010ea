import { NotFoundError } from '#shared/errors.ts';
import { publicHandler } from '#shared/http/public-handler.ts';

/**
 * Every path no route matches: a JSON 404 `{error, code: 'not_found'}`, so clients parse
 * every error the same way.
 */
export const handler = publicHandler(async (event) => {
  throw new NotFoundError(`Route ${event.requestContext.http.method} ${event.rawPath}`);
});
