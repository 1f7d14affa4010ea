import { routeOf } from '#functions/api/route-of.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { addSuppressionsSchema } from '#shared/suppressions/suppression-schema.ts';
import { addSuppressions, normaliseAddress } from '#shared/suppressions/suppression-store.ts';

/** `POST /api/v1/suppressions`: suppress one address or up to 1,000 by hand. */
export const handler = apiHandler(
  { route: routeOf('POST /api/v1/suppressions'), body: addSuppressionsSchema },
  async ({ caller, body }) => {
    const createdAt = new Date().toISOString();
    const emails = [...new Set((body.emails ?? [body.email ?? '']).map(normaliseAddress))];
    await addSuppressions(
      caller.projectId,
      emails.map((email) => ({ email, type: 'manual' as const, reason: body.reason, createdAt })),
    );
    return { body: { object: 'list', added: emails.length, data: emails } };
  },
);
