import { routeOf } from '#functions/api/route-of.ts';
import { emailAddress } from '#shared/emails/address.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { normaliseAddress, removeSuppression } from '#shared/suppressions/suppression-store.ts';

/** `DELETE /api/v1/suppressions/:email`: allow sending to the address again. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/suppressions/{email}') },
  async ({ caller, params }) => {
    const address = emailAddress.safeParse(params.email ?? '');
    if (!address.success || !(await removeSuppression(caller.projectId, address.data))) {
      throw new NotFoundError('Suppression');
    }
    return { body: { email: normaliseAddress(address.data), deleted: true } };
  },
);
