import { randomUUID } from 'node:crypto';
import { GetAccountCommand } from '@aws-sdk/client-sesv2';
import { writeIf } from '#shared/aws/dynamodb.ts';
import { sesReads } from '#shared/aws/ses.ts';
import { unhealthyReason } from '#shared/campaigns/campaign-health.ts';
import type { PausedReason } from '#shared/campaigns/campaign-lifecycle.ts';
import { mergeFields } from '#shared/campaigns/campaign-mail.ts';
import { bulkSendShare, lookaheadRecipients } from '#shared/campaigns/campaign-pacing.ts';
import {
  type CampaignCounts,
  type CampaignRecord,
  CampaignStateError,
  campaignCountItem,
  commitPage,
  correctCounters,
  getCampaign,
  leaveLive,
  putRecipient,
  type RecipientRecord,
  readCounters,
  recipientsBetween,
  recordProgressCheck,
  releaseLease,
  takeLease,
  transitionCampaign,
} from '#shared/campaigns/campaign-store.ts';
import { campaignView, publishCampaignEvent } from '#shared/campaigns/campaign-view.ts';
import { emailKeyOf } from '#shared/contacts/contact-slots.ts';
import { type ContactRecord, contactsPage } from '#shared/contacts/contact-store.ts';
import { useSandboxAllowance } from '#shared/domains/sandbox-allowance.ts';
import { displayMailbox } from '#shared/emails/address.ts';
import { type EmailStatus, waitingStatuses } from '#shared/emails/email-lifecycle.ts';
import type { SendMessage } from '#shared/emails/email-payload.ts';
import {
  cancelCampaignEmail,
  type EmailRecord,
  putEmail,
  statusesOf,
  takeOffWaitingList,
  waitingEmails,
} from '#shared/emails/email-store.ts';
import { queueBulkEmails } from '#shared/emails/send-queue.ts';
import { releaseWaiting } from '#shared/emails/waiting-mail.ts';
import { capabilityEnv } from '#shared/env.ts';
import { QuotaExceededError, RateLimitedError } from '#shared/errors.ts';
import { newId } from '#shared/ids.ts';
import { inParallel } from '#shared/in-parallel.ts';
import { type AllowanceTaken, consumeSendAllowance } from '#shared/limits/account-limits.ts';
import { logger } from '#shared/logger.ts';
import { normaliseAddress, suppressedAmong } from '#shared/suppressions/suppression-store.ts';
import { accountStatus } from '#shared/tenancy/account-status.ts';
import * as z from '#shared/zod.ts';

const retentionEnv = capabilityEnv('settings:emailRetention', {
  EMAIL_RETENTION_DAYS: z.coerce.number().check(z.int(), z.gte(1)),
});

/** A run holds the campaign this long; one that died lets the next tick in after it. */
const leaseMs = 30_000;
/** A run stops taking new pages after this long, well inside the lease and its timeout. */
const workMs = 20_000;
/** Contacts read and written per page: one commit of the cursor each. */
const pageSize = 100;

/** How a run hands its campaign emails to the bulk send queue (a test may put a fault here). */
export type QueueCampaignEmails = (messages: SendMessage[]) => Promise<void>;

/** Recipients written and not yet sent, failed or canceled. */
export function outstanding(campaign: CampaignRecord, counts: CampaignCounts): number {
  const written = campaign.written ?? 0;
  const settled =
    (campaign.skipped ?? 0) + (campaign.tested ?? 0) + counts.sent + counts.failed + counts.canceled;
  return Math.max(0, written - settled);
}

/**
 * One tick of a campaign: what the campaign queue's runner does each time a campaign is
 * due (launched, resumed, every minute while it sends). A scheduled campaign whose time
 * has come starts; a cancelled one has its parked mail canceled; a sending one, under a
 * lease, is checked (account active, its own bounce and complaint rates, SES's 24-hour
 * quota: any of them pauses it with `pausedReason`) and then queues its next recipients,
 * never more than the lookahead ahead of what is sent; when every recipient is written
 * and none is outstanding, it is completed (and when its counts stall short of that, its
 * recipients' emails decide: see `healIfStalled`).
 *
 * Exactly once, however often a tick runs or dies half-way: a page's recipients are
 * written conditionally (a replay finds the first attempt's email ids), their email
 * records too, their messages queued (a duplicate message finds its email claimed), and
 * only then does the cursor move, from the value this run read, counting the recipients
 * written in the page's address range.
 */
export async function runCampaignTick(
  projectId: string,
  campaignId: string,
  queue: QueueCampaignEmails = queueBulkEmails,
): Promise<void> {
  let campaign = await getCampaign(projectId, campaignId);
  if (!campaign) return;
  const now = new Date().toISOString();
  if (campaign.status === 'scheduled') {
    if (Date.parse(campaign.scheduledAt ?? now) > Date.now()) return;
    try {
      campaign = await transitionCampaign(projectId, campaignId, 'start', now, { live: { join: now } });
    } catch (error) {
      if (error instanceof CampaignStateError) return;
      throw error;
    }
    await publishCampaignEvent(campaign, 'campaign.sending', now);
  }
  if (campaign.status !== 'sending' && campaign.status !== 'cancelled') return;
  // One run at a time: a drain must not cancel a page a run is still writing (and will count).
  const leaseId = randomUUID();
  if (!(await takeLease(projectId, campaignId, leaseId, Date.now(), Date.now() + leaseMs))) return;
  try {
    // As it is now the lease is held: the run before may have moved it on.
    const current = await getCampaign(projectId, campaignId);
    if (current?.status === 'cancelled') await drainCancelled(current);
    else if (current?.status === 'sending') await advance(current, queue);
  } finally {
    await releaseLease(projectId, campaignId, leaseId);
  }
}

/** The counters since the campaign's last resume: what its health is judged on. */
function sinceResume(campaign: CampaignRecord, counts: CampaignCounts) {
  const base = campaign.healthBaseline ?? { sent: 0, bounced: 0, complained: 0 };
  return {
    sent: counts.sent - base.sent,
    bounced: counts.bounced - base.bounced,
    complained: counts.complained - base.complained,
  };
}

/** How many more recipients SES's quotas leave the campaign room to queue now (a test key's: any number). */
async function roomToQueue(
  campaign: CampaignRecord,
  counts: CampaignCounts,
): Promise<number | 'daily_quota'> {
  if (campaign.mode === 'test') return Number.POSITIVE_INFINITY;
  const { SendQuota } = await sesReads.send(new GetAccountCommand({}));
  const rate = Math.max(1, Math.floor(SendQuota?.MaxSendRate ?? 1));
  const queued = outstanding(campaign, counts);
  let room = lookaheadRecipients(rate) - queued;
  // -1 is SES's "no daily limit". Campaigns use at most their share of the day, as of each second.
  const max24 = SendQuota?.Max24HourSend ?? -1;
  if (max24 >= 0) {
    const dailyRoom = Math.floor(max24 * bulkSendShare()) - (SendQuota?.SentLast24Hours ?? 0) - queued;
    if (dailyRoom <= 0) return 'daily_quota';
    room = Math.min(room, dailyRoom);
  }
  return room;
}

async function advance(campaign: CampaignRecord, queue: QueueCampaignEmails) {
  const counts = await readCounters(campaign.id);
  if ((await accountStatus(campaign.accountId, { fresh: true })) !== 'active')
    return pause(campaign, 'account_not_active');
  const unhealthy = unhealthyReason(sinceResume(campaign, counts));
  if (unhealthy) return pause(campaign, unhealthy);
  const deadline = Date.now() + workMs;
  // A sender that still saw the campaign paused parked its email after the resume: send it now.
  await requeueParked(campaign, queue, deadline);
  if (campaign.expanded) {
    if (outstanding(campaign, counts) === 0) await complete(campaign, counts);
    else await healIfStalled(campaign, counts, deadline);
    return;
  }

  let room = await roomToQueue(campaign, counts);
  if (room === 'daily_quota') return pause(campaign, 'ses_daily_quota');
  let cursor = campaign.cursor ?? '';
  let size = pageSize;
  while (room > 0 && Date.now() < deadline) {
    const want = Math.min(size, room);
    const contacts = await contactsPage(
      campaign.listId,
      { status: 'subscribed', after: cursor || undefined },
      0,
      want,
    );
    const done = contacts.length < want;
    const last = contacts.length > 0 ? emailKeyOf((contacts.at(-1) as ContactRecord).email) : cursor;
    const refusal = await countAgainstLimits(campaign, contacts.length);
    if (refusal === 'later') {
      // The account's shortest window may hold fewer than a page: try smaller pages, then the next tick.
      if (size <= 10) return;
      size = 10;
      continue;
    }
    if (refusal) return pause(campaign, refusal);
    const toQueue = await writeRecipients(campaign, contacts);
    await queue(toQueue);
    const written = await recipientsBetween(campaign.id, cursor, done ? undefined : last);
    const page = {
      written: written.length,
      skipped: written.filter((recipient) => recipient.state === 'skipped').length,
      tested: written.filter((recipient) => recipient.state === 'test').length,
    };
    const now = new Date().toISOString();
    if (!(await commitPage(campaign.projectId, campaign.id, cursor, last, done, page, now))) return;
    room -= page.written - page.skipped - page.tested;
    cursor = last;
    const [after, latest] = await Promise.all([
      getCampaign(campaign.projectId, campaign.id),
      done ? readCounters(campaign.id) : Promise.resolve(counts),
    ]);
    // Paused or cancelled meanwhile: the next page waits for the next tick that finds it sending.
    if (after?.status !== 'sending') return;
    if (done) {
      if (outstanding(after, latest) === 0) await complete(after, latest);
      return;
    }
  }
}

/** Ticks in a row, and time, without progress before a campaign's recipients are read to settle its counts. */
const stalledTicks = 3;
const stalledMs = 20_000;

/** What a recipient's email status settles it as, or `waiting` while it may still be sent. */
function settledAs(status: EmailStatus | undefined): 'sent' | 'failed' | 'canceled' | 'waiting' {
  if (status === undefined || (waitingStatuses as readonly string[]).includes(status)) return 'waiting';
  if (status === 'failed' || status === 'canceled') return status;
  return 'sent';
}

/**
 * Progress heals itself: a campaign whose every recipient is written, whose counts have
 * not moved for a few ticks and some time, and still show mail outstanding, is judged on
 * its recipients' emails themselves. If none of them is still waiting, the counts are
 * corrected to what the emails show (a count can be lost: a process that dies between an
 * email's change and its counter's, a write that keeps meeting others) and the campaign
 * completes. Any email still waiting (parked, queued, in a sender's hands) leaves it as it
 * is, to look again after the next stall.
 */
async function healIfStalled(campaign: CampaignRecord, counts: CampaignCounts, deadline: number) {
  const settled = counts.sent + counts.failed + counts.canceled;
  const check = campaign.progressCheck;
  const now = new Date().toISOString();
  if (!check || check.settled !== settled)
    return recordProgressCheck(campaign.projectId, campaign.id, { settled, since: now, ticks: 1 });
  if (check.ticks < stalledTicks || Date.now() - Date.parse(check.since) < stalledMs)
    return recordProgressCheck(campaign.projectId, campaign.id, { ...check, ticks: check.ticks + 1 });
  const recipients = (await recipientsBetween(campaign.id, '', undefined)).filter(
    (recipient) => recipient.state === 'queued',
  );
  const found = { sent: 0, failed: 0, canceled: 0, waiting: 0 };
  for (let start = 0; start < recipients.length; start += 1000) {
    if (Date.now() > deadline) return;
    const ids = recipients.slice(start, start + 1000).map((recipient) => recipient.emailId);
    const statuses = await statusesOf(campaign.projectId, ids);
    for (const id of ids) found[settledAs(statuses.get(id))] += 1;
    if (found.waiting > 0) break;
  }
  if (found.waiting > 0) {
    // Mail still on its way: not stalled after all. Look again after another stall.
    return recordProgressCheck(campaign.projectId, campaign.id, { settled, since: now, ticks: 1 });
  }
  const corrections = {
    sent: found.sent - counts.sent,
    failed: found.failed - counts.failed,
    canceled: found.canceled - counts.canceled,
  };
  logger.warn('campaign counts healed from its recipients’ emails', { campaignId: campaign.id, corrections });
  await correctCounters(campaign.id, corrections);
  const healed = await readCounters(campaign.id);
  if (outstanding(campaign, healed) === 0) await complete(campaign, healed);
}

/**
 * Counts a page against the account's sending windows and monthly quota, as single sends
 * are (and the shared sandbox's daily allowance): undefined when it fits, a pause reason
 * when the campaign cannot go on today or this month, `later` when a short window is
 * full for now.
 */
async function countAgainstLimits(
  campaign: CampaignRecord,
  recipients: number,
): Promise<PausedReason | 'later' | undefined> {
  if (recipients === 0 || campaign.mode === 'test') return undefined;
  let taken: AllowanceTaken;
  try {
    taken = await consumeSendAllowance({ accountId: campaign.accountId, mode: campaign.mode }, recipients);
  } catch (error) {
    if (error instanceof QuotaExceededError) return 'quota_exceeded';
    if (error instanceof RateLimitedError) return 'later';
    throw error;
  }
  if (campaign.authority !== 'sandbox') return undefined;
  try {
    await useSandboxAllowance(campaign.projectId, new Date(), recipients);
    return undefined;
  } catch (error) {
    await taken.giveBack();
    if (error instanceof RateLimitedError) return 'sandbox_daily_limit';
    throw error;
  }
}

/**
 * Writes each contact's recipient item and email record (both only if absent) and
 * returns the send messages of those that are to be sent: suppressed addresses are
 * skipped, a test key's recipients are logged as `test`.
 */
async function writeRecipients(campaign: CampaignRecord, contacts: ContactRecord[]): Promise<SendMessage[]> {
  // The suppression list keeps an address's local part as it came (SES's spelling, or the
  // caller's); contacts compare without case: look an address up in both spellings.
  const suppressed = await suppressedAmong(
    campaign.projectId,
    contacts.flatMap((contact) => [contact.email, emailKeyOf(contact.email)]),
  );
  const isSuppressed = (email: string) =>
    suppressed.has(normaliseAddress(email)) || suppressed.has(normaliseAddress(emailKeyOf(email)));
  const messages: SendMessage[] = [];
  await inParallel(contacts, 16, async (contact) => {
    const now = Date.now();
    const recipient = await putRecipient(campaign.id, {
      emailId: newId('email', now),
      contactId: contact.id,
      email: contact.email,
      ...(contact.name ? { name: contact.name } : {}),
      state: isSuppressed(contact.email) ? 'skipped' : campaign.mode === 'test' ? 'test' : 'queued',
    });
    if (recipient.state === 'skipped') return;
    // Refused when an earlier run over this page wrote it.
    await writeIf(putEmail(emailRecord(campaign, recipient, now)));
    if (recipient.state === 'queued') {
      messages.push({
        emailId: recipient.emailId,
        projectId: campaign.projectId,
        accountId: campaign.accountId,
        campaign: {
          id: campaign.id,
          contactId: recipient.contactId,
          email: recipient.email,
          ...(recipient.name ? { name: recipient.name } : {}),
        },
      });
    }
  });
  return messages;
}

function emailRecord(campaign: CampaignRecord, recipient: RecipientRecord, now: number): EmailRecord {
  const at = new Date(now).toISOString();
  return {
    id: recipient.emailId,
    projectId: campaign.projectId,
    accountId: campaign.accountId,
    keyId: campaign.keyId,
    mode: campaign.mode,
    from: displayMailbox(campaign.from),
    fromDomain: campaign.from.address.split('@').pop() ?? '',
    to: recipient.email,
    cc: [],
    bcc: [],
    replyTo: [],
    // The link is the recipient's own, filled in by the sender; the log shows the rest.
    subject: mergeFields(
      campaign.subject,
      { name: recipient.name ?? '', email: recipient.email, unsubscribe_url: '' },
      'subject',
    ),
    tags: {},
    campaignId: campaign.id,
    contactId: recipient.contactId,
    ...(recipient.name ? { contactName: recipient.name } : {}),
    suppressed: [],
    status: recipient.state === 'test' ? 'test' : 'queued',
    opens: 0,
    clicks: 0,
    createdAt: at,
    updatedAt: at,
    expiresAt: Math.floor(now / 1000) + retentionEnv().EMAIL_RETENTION_DAYS * 86_400,
  };
}

/**
 * Queues the campaign's parked emails again, as many as the run has time for. An email
 * parked again since it was read (a sender's copy still said paused) stays parked, for
 * the next tick.
 */
async function requeueParked(campaign: CampaignRecord, queue: QueueCampaignEmails, deadline: number) {
  await releaseWaiting(
    { kind: 'parked', campaignId: campaign.id },
    async (parked) => {
      await queue(parked.map((email) => messageOf(email)));
      return parked;
    },
    { deadline },
  );
}

function messageOf(email: EmailRecord): SendMessage {
  const to = Array.isArray(email.to) ? (email.to[0] ?? '') : email.to;
  return {
    emailId: email.id,
    projectId: email.projectId,
    accountId: email.accountId,
    campaign: {
      id: email.campaignId ?? '',
      contactId: email.contactId ?? '',
      email: to,
      ...(email.contactName ? { name: email.contactName } : {}),
    },
  };
}

/**
 * Cancels what a cancelled campaign still holds: its parked emails, and the emails of
 * recipients a run wrote past the cursor before it died (never queued); then takes the
 * campaign off the ticks' list. Emails still on the queue are canceled by the senders.
 */
async function drainCancelled(campaign: CampaignRecord) {
  const now = new Date().toISOString();
  const cancel = async (email: { projectId: string; id: string }) => {
    await cancelCampaignEmail(email.projectId, email.id, now, [
      campaignCountItem(campaign.id, email.id, 'canceled'),
    ]);
  };
  const list = { kind: 'parked', campaignId: campaign.id } as const;
  for (;;) {
    const parked = await waitingEmails(list, 500);
    if (parked.length === 0) break;
    await inParallel(parked, 8, cancel);
    await inParallel(parked, 8, async (email) => {
      await takeOffWaitingList(list, email);
    });
  }
  const unwritten = await recipientsBetween(campaign.id, campaign.cursor ?? '', undefined);
  await inParallel(
    unwritten.filter((recipient) => recipient.state === 'queued'),
    8,
    // Never counted as written, so not counted as canceled either.
    (recipient) => cancelCampaignEmail(campaign.projectId, recipient.emailId, now, []).then(() => undefined),
  );
  await leaveLive(campaign.projectId, campaign.id);
}
async function pause(campaign: CampaignRecord, reason: PausedReason) {
  const now = new Date().toISOString();
  try {
    const paused = await transitionCampaign(campaign.projectId, campaign.id, 'pause', now, {
      set: { pausedReason: reason },
      live: 'leave',
    });
    logger.warn('campaign paused', { campaignId: campaign.id, reason });
    await publishCampaignEvent(paused, 'campaign.paused', now);
  } catch (error) {
    if (!(error instanceof CampaignStateError)) throw error;
  }
}

async function complete(campaign: CampaignRecord, counts: CampaignCounts) {
  const now = new Date().toISOString();
  try {
    const completed = await transitionCampaign(campaign.projectId, campaign.id, 'complete', now, {
      set: { completedAt: now },
      live: 'leave',
    });
    logger.info('campaign completed', { campaignId: campaign.id });
    await publishCampaignEvent(completed, 'campaign.completed', now, campaignView(completed, counts).stats);
  } catch (error) {
    if (!(error instanceof CampaignStateError)) throw error;
  }
}
