/**
 * Campaigns, their counters and their recipients in the single table.
 *
 * Access patterns (pk / sk):
 * - a project's campaigns, oldest first ........ CAMPAIGNS#<projectId> / <campaignId>
 *   (one read by id; another project's id finds nothing)
 * - campaigns the ticks must visit ............. gsi2 (sparse): CAMPAIGNS#LIVE / <dueAt>#<campaignId>
 *   (scheduled ones from their time, sending ones at once, cancelled ones until drained)
 * - a campaign's send counters ................. CAMPAIGNSTATS#<campaignId> / <shard 0–7>
 *   (the sender and the events worker add to the shard of the email's id, so a fast
 *   campaign's counting spreads over eight items; a read sums one Query, which also
 *   takes the item `corrections`, written when a stalled campaign's counts are healed)
 * - a campaign's recipients, by address ........ CAMPAIGNRCPT#<campaignId> / <lower-cased address>
 *   (written once each, conditionally: the address's one email id for this campaign)
 *
 * Exactly-once rests on two conditions: a recipient item is created only if absent (a
 * replay finds the email id of the first attempt), and the campaign's cursor moves only
 * from the value the runner read (a page is counted by the one run that moves past it).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyMode } from '#shared/auth/api-keys.ts';
import type { CounterUpdate } from '#shared/aws/counter-batch.ts';
import { dynamo, queryAll, tableName, withoutKeys, writeIf } from '#shared/aws/dynamodb.ts';
import type { TransactItem } from '#shared/aws/transact.ts';
import {
  type CampaignAction,
  type CampaignStatus,
  campaignTransitions,
  type PausedReason,
} from '#shared/campaigns/campaign-lifecycle.ts';
import { emailKeyOf } from '#shared/contacts/contact-slots.ts';
import type { EmailTracking } from '#shared/domains/domain-store.ts';
import type { SenderAuthority } from '#shared/domains/sender-authorization.ts';
import type { Mailbox } from '#shared/emails/address.ts';
import { shardOfId } from '#shared/ids.ts';

export interface CampaignRecord {
  id: string;
  projectId: string;
  accountId: string;
  /** The key that created it; a test key's campaign is logged, never sent. */
  keyId: string;
  mode: KeyMode;
  name: string;
  subject: string;
  /** The sender, as parsed from `fromEmail`. */
  from: Mailbox;
  /** On whose authority it sends (checked at creation, at edits and at launch). */
  authority?: SenderAuthority;
  /** Its sending domain's open and click tracking at launch. */
  tracking?: EmailTracking;
  listId: string;
  content: string;
  status: CampaignStatus;
  createdAt: string;
  updatedAt: string;
  jobId?: string;
  launchedAt?: string;
  scheduledAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  pausedReason?: PausedReason;
  /** Where the API answered the launch: the base of every unsubscribe link. */
  publicUrl?: string;
  /** The list's subscribed contacts at launch: the total until every recipient is written. */
  plannedRecipients?: number;
  /** The last address of the list the runner has moved past ('' before the first page). */
  cursor?: string;
  /** Every recipient is written. */
  expanded?: boolean;
  /** Recipients written (counted when their page is committed), of which skipped (suppressed) or test-only. */
  written?: number;
  skipped?: number;
  tested?: number;
  /** The counters when the campaign was last resumed: its health is judged on what it sent since. */
  healthBaseline?: { sent: number; bounced: number; complained: number };
  /** Its settled count (sent, failed, canceled) as ticks last saw it, since when, and over how many ticks. */
  progressCheck?: ProgressCheck;
}

/** What the ticks saw of a campaign's progress once every recipient is written (see `runCampaignTick`). */
export interface ProgressCheck {
  settled: number;
  since: string;
  ticks: number;
}

/** What the sender and the events worker count per campaign. */
export const campaignCounters = [
  'sent',
  'failed',
  'canceled',
  'delivered',
  'opened',
  'clicked',
  'bounced',
  'complained',
  'unsubscribed',
] as const;
export type CampaignCounter = (typeof campaignCounters)[number];
export type CampaignCounts = Record<CampaignCounter, number>;

/** A recipient's part in a campaign, fixed when it is written. */
export type RecipientState = 'queued' | 'skipped' | 'test';

export interface RecipientRecord {
  emailId: string;
  contactId: string;
  email: string;
  name?: string;
  state: RecipientState;
}

const campaignShards = 8;
const campaignsPartition = (projectId: string) => `CAMPAIGNS#${projectId}`;
const campaignKey = (projectId: string, id: string) => ({ pk: campaignsPartition(projectId), sk: id });
const statsPartition = (campaignId: string) => `CAMPAIGNSTATS#${campaignId}`;
const recipientsPartition = (campaignId: string) => `CAMPAIGNRCPT#${campaignId}`;
const livePartition = 'CAMPAIGNS#LIVE';

/** The campaign's status was not one the action may start from (or the campaign is gone). */
export class CampaignStateError extends Error {
  readonly status: CampaignStatus | undefined;
  constructor(status: CampaignStatus | undefined) {
    super(status ? `The campaign is ${status}` : 'No such campaign');
    this.name = 'CampaignStateError';
    this.status = status;
  }
}

export async function putCampaign(campaign: CampaignRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...campaignKey(campaign.projectId, campaign.id), kind: 'campaign', ...campaign },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getCampaign(
  projectId: string,
  id: string,
  options: { consistent?: boolean } = {},
): Promise<CampaignRecord | undefined> {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: campaignKey(projectId, id),
      ConsistentRead: options.consistent ?? true,
    }),
  );
  return Item ? campaignOf(Item) : undefined;
}

function campaignOf(item: Record<string, unknown>): CampaignRecord {
  const {
    kind: _kind,
    leaseUntil: _lease,
    leaseId: _leaseId,
    ...campaign
  } = withoutKeys<CampaignRecord & { kind: string; leaseUntil?: number; leaseId?: string }>(item);
  return campaign;
}

/** What listings need of a campaign (not its content, up to 256 KB each). */
export type CampaignSummary = Pick<
  CampaignRecord,
  'id' | 'projectId' | 'name' | 'status' | 'listId' | 'tested' | 'createdAt'
>;

/** Every campaign of the project, oldest first, without content (a project holds hundreds, not millions). */
export async function listProjectCampaigns(projectId: string): Promise<CampaignSummary[]> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': campaignsPartition(projectId) },
    ProjectionExpression: 'id, projectId, #name, #status, listId, tested, createdAt',
    ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
  });
  return items as CampaignSummary[];
}

/** Counts of the project's campaigns for `GET /api/v1/stats`. */
export async function campaignTotals(projectId: string) {
  const all = await listProjectCampaigns(projectId);
  const count = (status: CampaignStatus) => all.filter((campaign) => campaign.status === status).length;
  return { total: all.length, sending: count('sending'), completed: count('completed') };
}

/** How the campaign's place on the ticks' list changes with a transition. */
export type LiveChange = { join: string } | 'leave' | undefined;

/**
 * Applies `action` to the campaign if its status allows it (`campaign-lifecycle.ts`),
 * setting `set` beside the new status and removing `remove`; throws `CampaignStateError`
 * with the status found otherwise. Returns the campaign as it now is.
 */
export async function transitionCampaign(
  projectId: string,
  id: string,
  action: CampaignAction,
  now: string,
  change: {
    set?: Record<string, unknown>;
    remove?: string[];
    live?: LiveChange;
    status?: CampaignStatus;
  } = {},
): Promise<CampaignRecord> {
  const transition = campaignTransitions[action];
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':now': now };
  const sets = ['updatedAt = :now'];
  const removes = [...(change.remove ?? [])];
  const to = change.status ?? transition.to;
  if (to) {
    sets.push('#status = :to');
    values[':to'] = to;
  }
  Object.entries(change.set ?? {}).forEach(([name, value], index) => {
    names[`#s${index}`] = name;
    values[`:s${index}`] = value;
    sets.push(`#s${index} = :s${index}`);
  });
  if (change.live === 'leave') removes.push('gsi2pk', 'gsi2sk');
  else if (change.live) {
    sets.push('gsi2pk = :live', 'gsi2sk = :due');
    values[':live'] = livePartition;
    values[':due'] = `${change.live.join}#${id}`;
  }
  transition.from.forEach((status, index) => {
    values[`:f${index}`] = status;
  });
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: campaignKey(projectId, id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: `#status IN (${transition.from.map((_, i) => `:f${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (!outcome.written)
    throw new CampaignStateError(outcome.current?.status?.S as CampaignStatus | undefined);
  return campaignOf(outcome.answer.Attributes ?? {});
}

/** Deletes a draft; `CampaignStateError` when it is not one (or not there). */
export async function deleteDraft(projectId: string, id: string): Promise<void> {
  const outcome = await writeIf(
    dynamo.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: campaignKey(projectId, id),
        ConditionExpression: '#status = :draft',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':draft': 'draft' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (!outcome.written)
    throw new CampaignStateError(outcome.current?.status?.S as CampaignStatus | undefined);
}

/** Campaigns due for a tick: scheduled ones whose time has come, and every sending or draining one. */
export async function liveCampaigns(now: string): Promise<{ projectId: string; id: string }[]> {
  const items = await queryAll({
    TableName: tableName(),
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :live AND gsi2sk <= :now',
    ExpressionAttributeValues: { ':live': livePartition, ':now': `${now}~` },
  });
  return items.map((item) => ({ projectId: String(item.projectId), id: String(item.id) }));
}

/** Takes a drained cancelled campaign off the ticks' list. */
export async function leaveLive(projectId: string, id: string): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: campaignKey(projectId, id),
      UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'attribute_exists(pk)',
    }),
  );
}

/**
 * Takes the campaign's runner lease until `until` (ms) under the name `leaseId`; false
 * while another run holds it.
 */
export async function takeLease(
  projectId: string,
  id: string,
  leaseId: string,
  now: number,
  until: number,
): Promise<boolean> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: campaignKey(projectId, id),
        UpdateExpression: 'SET leaseUntil = :until, leaseId = :lease',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':until': until, ':now': now, ':lease': leaseId },
      }),
    ),
  );
  return outcome.written;
}

/** Gives the lease back, if it is still this run's (one that overran may have lost it to the next). */
export async function releaseLease(projectId: string, id: string, leaseId: string): Promise<void> {
  await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: campaignKey(projectId, id),
        UpdateExpression: 'REMOVE leaseUntil, leaseId',
        ConditionExpression: 'leaseId = :lease',
        ExpressionAttributeValues: { ':lease': leaseId },
      }),
    ),
  );
}

/**
 * Moves the campaign's cursor past a page, adding the page's recipients to its counts,
 * only if the cursor is still where this run read it: of two runs over the same page,
 * one counts it. False when another run moved it first.
 */
export async function commitPage(
  projectId: string,
  id: string,
  from: string,
  to: string,
  done: boolean,
  counts: { written: number; skipped: number; tested: number },
  now: string,
): Promise<boolean> {
  const outcome = await writeIf(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: campaignKey(projectId, id),
        UpdateExpression:
          'SET #cursor = :to, expanded = :done, updatedAt = :now ADD written :written, skipped :skipped, tested :tested',
        ConditionExpression: '#cursor = :from',
        ExpressionAttributeNames: { '#cursor': 'cursor' },
        ExpressionAttributeValues: {
          ':to': to,
          ':from': from,
          ':done': done,
          ':now': now,
          ...prefixed(counts),
        },
      }),
    ),
  );
  return outcome.written;
}

/** Records what the tick saw of the campaign's progress. */
export async function recordProgressCheck(
  projectId: string,
  id: string,
  check: ProgressCheck,
): Promise<void> {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: campaignKey(projectId, id),
      UpdateExpression: 'SET progressCheck = :check',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':check': check },
    }),
  );
}

/**
 * Adds corrections to the campaign's counters, in an item of their own beside the shards
 * (`readCounters` sums them all): what its recipients' emails show and its counts missed.
 */
export async function correctCounters(
  campaignId: string,
  corrections: Partial<Record<CampaignCounter, number>>,
): Promise<void> {
  const entries = Object.entries(corrections).filter(([, by]) => by !== 0);
  if (entries.length === 0) return;
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: statsPartition(campaignId), sk: 'corrections' },
      UpdateExpression: `ADD ${entries.map((_, index) => `#c${index} :c${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], index) => [`#c${index}`, name])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, by], index) => [`:c${index}`, by])),
    }),
  );
}

const prefixed = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).map(([name, value]) => [`:${name}`, value]));

/** The campaign's send counters, summed over their shards. */
export async function readCounters(campaignId: string): Promise<CampaignCounts> {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': statsPartition(campaignId) },
      ConsistentRead: true,
    }),
  );
  const counts = Object.fromEntries(campaignCounters.map((name) => [name, 0])) as CampaignCounts;
  for (const item of Items) for (const name of campaignCounters) counts[name] += Number(item[name] ?? 0);
  return counts;
}

const counterKey = (campaignId: string, emailId: string) => ({
  pk: statsPartition(campaignId),
  sk: String(shardOfId(emailId, campaignShards)),
});

/** One counter addition for the shard of `emailId`, to gather in a `CounterBatch`. */
export function campaignCount(
  campaignId: string,
  emailId: string,
  counter: CampaignCounter,
  by = 1,
): CounterUpdate {
  return { key: counterKey(campaignId, emailId), add: { [counter]: by }, set: {} };
}

/** The same addition as part of a transaction: counted exactly when the email's own change holds. */
export function campaignCountItem(
  campaignId: string,
  emailId: string,
  counter: CampaignCounter,
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: counterKey(campaignId, emailId),
      UpdateExpression: 'ADD #counter :one',
      ExpressionAttributeNames: { '#counter': counter },
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/**
 * Writes the recipient unless the campaign has one for the address; returns the one that
 * stands (this, or the first attempt's, with its email id).
 */
export async function putRecipient(campaignId: string, recipient: RecipientRecord): Promise<RecipientRecord> {
  const outcome = await writeIf(
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: { pk: recipientsPartition(campaignId), sk: emailKeyOf(recipient.email), ...recipient },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
  );
  if (outcome.written) return recipient;
  const old = outcome.current ?? {};
  return {
    emailId: old.emailId?.S ?? '',
    contactId: old.contactId?.S ?? '',
    email: old.email?.S ?? recipient.email,
    name: old.name?.S,
    state: (old.state?.S as RecipientState | undefined) ?? 'queued',
  };
}

/** The campaign's recipients with addresses after `after`, up to and including `upTo` (or to the end). */
export async function recipientsBetween(
  campaignId: string,
  after: string,
  upTo: string | undefined,
): Promise<RecipientRecord[]> {
  // A key condition cannot hold an empty string: from the list's start, only the upper bound is a condition.
  const range =
    after === ''
      ? upTo === undefined
        ? ''
        : ' AND sk <= :upTo'
      : upTo === undefined
        ? ' AND sk > :after'
        : ' AND sk BETWEEN :after AND :upTo';
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: `pk = :pk${range}`,
    ExpressionAttributeValues: {
      ':pk': recipientsPartition(campaignId),
      ...(after === '' ? {} : { ':after': after }),
      ...(upTo === undefined ? {} : { ':upTo': upTo }),
    },
    ConsistentRead: true,
  });
  return items.filter((item) => String(item.sk) > after).map((item) => withoutKeys<RecipientRecord>(item));
}
