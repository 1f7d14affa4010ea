import type { Principal } from '#shared/auth/principal.ts';
import type { CampaignAction } from '#shared/campaigns/campaign-lifecycle.ts';
import { queueCampaignTicks } from '#shared/campaigns/campaign-queue.ts';
import type {
  CreateCampaignInput,
  ListCampaignsQuery,
  UpdateCampaignInput,
} from '#shared/campaigns/campaign-schema.ts';
import {
  type CampaignRecord,
  CampaignStateError,
  deleteDraft,
  getCampaign,
  listProjectCampaigns,
  putCampaign,
  readCounters,
  transitionCampaign,
} from '#shared/campaigns/campaign-store.ts';
import { publishCampaignEvent } from '#shared/campaigns/campaign-view.ts';
import { findList } from '#shared/contacts/contact-service.ts';
import { authorizeSender, requireKeyDomain, senderGrant } from '#shared/domains/sender-authorization.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '#shared/errors.ts';
import { isId, newId } from '#shared/ids.ts';

/** The caller's project's campaign `id`, or a 404. */
export async function findCampaign(caller: Principal, id: string): Promise<CampaignRecord> {
  const campaign = isId('campaign', id) ? await getCampaign(caller.projectId, id) : undefined;
  if (!campaign) throw new NotFoundError('Campaign');
  return campaign;
}

/**
 * The campaign, for a change by this caller: a test key's campaigns are logged, never
 * sent, so a test key may not change a live one (nor a live key a test one), or it could
 * launch real mail without the checks a live key passes. A key limited to some domains
 * changes only the campaigns it could send (403 for another domain's, as for its mail).
 */
async function campaignToChange(caller: Principal, id: string): Promise<CampaignRecord> {
  const campaign = await findCampaign(caller, id);
  if (campaign.mode !== caller.mode)
    throw new ForbiddenError(
      `A ${caller.mode} key cannot change a campaign made with a ${campaign.mode} key.`,
    );
  requireKeyDomain(caller, campaign.from.address);
  return campaign;
}

/** What the caller is told when a campaign's status does not allow the action. */
const refusals: Partial<Record<CampaignAction, string>> = {
  edit: 'Only draft campaigns can be edited; a launched campaign keeps the content and list it was sent with',
  delete: 'Only draft campaigns can be deleted',
  launch: 'Only draft campaigns can be launched; this one was launched already',
  pause: 'Only a sending campaign can be paused',
  resume: 'Only a paused campaign can be resumed',
  cancel: 'Only a scheduled, sending or paused campaign can be cancelled',
};

/** `transitionCampaign`, with its refusals as the API's errors: 404 when gone, 409 when the status forbids it. */
async function transition(
  caller: Principal,
  id: string,
  action: CampaignAction,
  change: Parameters<typeof transitionCampaign>[4] = {},
): Promise<CampaignRecord> {
  await campaignToChange(caller, id);
  try {
    return await transitionCampaign(caller.projectId, id, action, new Date().toISOString(), change);
  } catch (error) {
    if (!(error instanceof CampaignStateError)) throw error;
    if (!error.status) throw new NotFoundError('Campaign');
    throw new ConflictError(`${refusals[action] ?? 'Not possible now'} (it is ${error.status}).`);
  }
}

/** `POST /api/v1/campaigns`: a draft, to a list of the project, from a sender the caller may use. */
export async function createCampaign(caller: Principal, input: CreateCampaignInput): Promise<CampaignRecord> {
  const [authority] = await Promise.all([
    authorizeSender(caller, input.fromEmail.address),
    findList(caller.projectId, input.listId),
  ]);
  const now = new Date().toISOString();
  const campaign: CampaignRecord = {
    id: newId('campaign'),
    projectId: caller.projectId,
    accountId: caller.accountId,
    keyId: caller.keyId,
    mode: caller.mode,
    name: input.name,
    subject: input.subject,
    from: input.fromEmail,
    authority,
    listId: input.listId,
    content: input.content,
    status: 'draft',
    createdAt: now,
    updatedAt: now,
  };
  await putCampaign(campaign);
  return campaign;
}

export async function campaignWithCounts(caller: Principal, id: string) {
  const campaign = await findCampaign(caller, id);
  return { campaign, counts: await readCounters(campaign.id) };
}

/** `GET /api/v1/campaigns`: newest first, one page, optionally one status. */
export async function pageCampaigns(caller: Principal, query: ListCampaignsQuery) {
  const all = (await listProjectCampaigns(caller.projectId))
    .filter((campaign) => !query.status || campaign.status === query.status)
    .reverse();
  const page = all.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
  const rows = await Promise.all(
    page.map(async (campaign) => ({ campaign, counts: await readCounters(campaign.id) })),
  );
  return { rows, total: all.length };
}

/** `PUT /api/v1/campaigns/:id`: while it is a draft. */
export async function updateCampaign(caller: Principal, id: string, input: UpdateCampaignInput) {
  const { fromEmail, ...rest } = input;
  const [authority] = await Promise.all([
    fromEmail ? authorizeSender(caller, fromEmail.address) : undefined,
    input.listId ? findList(caller.projectId, input.listId) : undefined,
  ]);
  const set: Record<string, unknown> = { ...rest, ...(fromEmail ? { from: fromEmail, authority } : {}) };
  return transition(caller, id, 'edit', { set });
}

export async function removeCampaign(caller: Principal, id: string): Promise<void> {
  const campaign = await campaignToChange(caller, id);
  try {
    await deleteDraft(caller.projectId, campaign.id);
  } catch (error) {
    if (!(error instanceof CampaignStateError)) throw error;
    if (!error.status) throw new NotFoundError('Campaign');
    throw new ConflictError(refusals.delete as string);
  }
}

/**
 * `POST /api/v1/campaigns/:id/launch`: from draft to `sending` (or `scheduled` until
 * `scheduledAt`). The sender and list are checked again, the list's subscribed count is
 * the first estimate of its size, and `publicUrl` (where the caller reached the API)
 * becomes the base of its unsubscribe links. The first tick is asked for at once.
 */
export async function launchCampaign(
  caller: Principal,
  id: string,
  input: { scheduledAt?: string },
  publicUrl: string,
): Promise<CampaignRecord> {
  const campaign = await campaignToChange(caller, id);
  if (campaign.status !== 'draft') throw new ConflictError(`${refusals.launch} (it is ${campaign.status}).`);
  const [{ authority, tracking }, list] = await Promise.all([
    senderGrant(caller, campaign.from.address),
    findList(caller.projectId, campaign.listId),
  ]);
  const now = new Date().toISOString();
  const later = input.scheduledAt !== undefined && Date.parse(input.scheduledAt) > Date.now();
  const launched = await transition(caller, id, 'launch', {
    status: later ? 'scheduled' : 'sending',
    set: {
      jobId: newId('job'),
      launchedAt: now,
      ...(later ? { scheduledAt: new Date(Date.parse(input.scheduledAt as string)).toISOString() } : {}),
      publicUrl,
      authority,
      tracking,
      plannedRecipients: list.counts.subscribed,
      cursor: '',
      expanded: false,
      written: 0,
      skipped: 0,
      tested: 0,
    },
    live: { join: later ? new Date(Date.parse(input.scheduledAt as string)).toISOString() : now },
  });
  if (!later) {
    await queueCampaignTicks([{ projectId: caller.projectId, campaignId: id }]);
    await publishCampaignEvent(launched, 'campaign.sending', now);
  }
  return launched;
}

export async function pauseCampaign(caller: Principal, id: string): Promise<CampaignRecord> {
  const now = new Date().toISOString();
  const paused = await transition(caller, id, 'pause', { set: { pausedReason: 'manual' }, live: 'leave' });
  await publishCampaignEvent(paused, 'campaign.paused', now);
  return paused;
}

/**
 * From paused back to sending: the next tick queues its parked mail again and goes on.
 * Its health is judged afresh on what it sends from here (a list cleaned after a
 * bounce-rate pause starts again with a clean slate, and its next 1,000 sends decide).
 */
export async function resumeCampaign(caller: Principal, id: string): Promise<CampaignRecord> {
  const now = new Date().toISOString();
  const { sent, bounced, complained } = await readCounters(id);
  const resumed = await transition(caller, id, 'resume', {
    remove: ['pausedReason'],
    set: { healthBaseline: { sent, bounced, complained } },
    live: { join: now },
  });
  await queueCampaignTicks([{ projectId: caller.projectId, campaignId: id }]);
  await publishCampaignEvent(resumed, 'campaign.sending', now);
  return resumed;
}

/** Cancelled for good: mail not yet handed to SES is canceled (by the senders, and the next tick for parked mail). */
export async function cancelCampaign(caller: Principal, id: string): Promise<CampaignRecord> {
  const now = new Date().toISOString();
  const cancelled = await transition(caller, id, 'cancel', {
    set: { cancelledAt: now },
    remove: ['pausedReason'],
    live: { join: now },
  });
  await queueCampaignTicks([{ projectId: caller.projectId, campaignId: id }]);
  return cancelled;
}
