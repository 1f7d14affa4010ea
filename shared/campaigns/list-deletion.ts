import { listProjectCampaigns } from '#shared/campaigns/campaign-store.ts';
import { markListDeleted } from '#shared/contacts/list-store.ts';
import { ConflictError, NotFoundError } from '#shared/errors.ts';
import { isId } from '#shared/ids.ts';

/**
 * Deletes a list: gone at once for every reader; its contacts are purged in the
 * background. Refused (409) while a campaign is scheduled, sending or paused to it.
 * (A campaigns' rule over a list, so it lives with campaigns, which build on contacts.)
 */
export async function deleteList(projectId: string, listId: string): Promise<void> {
  if (!isId('list', listId)) throw new NotFoundError('List');
  const inUse = (await listProjectCampaigns(projectId)).find(
    (campaign) => campaign.listId === listId && ['scheduled', 'sending', 'paused'].includes(campaign.status),
  );
  if (inUse)
    throw new ConflictError(
      `Campaign ${inUse.id} is ${inUse.status} to this list; cancel it or let it complete first.`,
    );
  if (!(await markListDeleted(projectId, listId, new Date().toISOString()))) throw new NotFoundError('List');
}
