import { routeOf } from '#functions/api/route-of.ts';
import { getEmailWithEvents } from '#shared/emails/email-store.ts';
import { emailView, eventsView } from '#shared/emails/email-view.ts';
import { NotFoundError } from '#shared/errors.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { isId } from '#shared/ids.ts';

/** `GET /api/v1/emails/:id`: the email and its events. Another project's email is a 404. */
export const handler = apiHandler(
  { route: routeOf('GET /api/v1/emails/{id}') },
  async ({ caller, params }) => {
    const id = params.id ?? '';
    const found = isId('email', id) ? await getEmailWithEvents(caller.projectId, id) : undefined;
    if (!found) throw new NotFoundError('Email');
    return { body: { email: emailView(found.email), events: eventsView(found.email, found.events) } };
  },
);
