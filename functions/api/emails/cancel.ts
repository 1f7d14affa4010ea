import { routeOf } from '#functions/api/route-of.ts';
import { cancelScheduled } from '#shared/emails/email-store.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { isId } from '#shared/ids.ts';

/** `POST /api/v1/emails/:id/cancel`: cancel a scheduled email until it is released to the sender. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/emails/{id}/cancel') },
  async ({ caller, params }) => {
    const id = params.id ?? '';
    const outcome = isId('email', id)
      ? await cancelScheduled(id, caller.projectId, new Date().toISOString())
      : 'missing';
    if (outcome === 'missing') throw new NotFoundError('Email');
    if (outcome === 'not_cancelable') {
      throw new ConflictError(
        'Only a scheduled email that has not been released for sending can be canceled.',
      );
    }
    return { body: { id, object: 'email', status: 'canceled' } };
  },
);
