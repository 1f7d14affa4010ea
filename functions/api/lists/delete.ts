import { routeOf } from '#functions/api/route-of.ts';
import { deleteList } from '#shared/campaigns/list-deletion.ts';
import { apiHandler } from '#shared/http/api-handler.ts';

/** `DELETE /api/v1/lists/:id`: the list and, in the background, its contacts. */
export const handler = apiHandler(
  { route: routeOf('DELETE /api/v1/lists/{id}') },
  async ({ caller, params }) => {
    await deleteList(caller.projectId, params.id ?? '');
    return { body: { success: true } };
  },
);
