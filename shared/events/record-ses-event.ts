import type { CounterBatch } from '#shared/aws/counter-batch.ts';
import { type CampaignCounter, campaignCount } from '#shared/campaigns/campaign-store.ts';
import { markAddressContacts } from '#shared/contacts/contact-service.ts';
import { displayOf } from '#shared/emails/address.ts';
import { statusesWeakerThan, unknownOutcome } from '#shared/emails/email-lifecycle.ts';
import { applyChange, type Previous } from '#shared/emails/email-store.ts';
import { shownSubjectOf, systemTags } from '#shared/emails/system-tags.ts';
import { type EmailOutcome, interpretSesEvent } from '#shared/events/interpret-ses-event.ts';
import type { SesEvent } from '#shared/events/ses-event.ts';
import { logger } from '#shared/logger.ts';
import { countEmails, type EmailMetric } from '#shared/metrics.ts';
import { evaluateReputation } from '#shared/reputation/reputation-service.ts';
import { reputationCount } from '#shared/reputation/reputation-store.ts';
import { type DailyCounter, dailyCount, dailyCounters, logBounce } from '#shared/stats/stats-store.ts';
import { addSuppression } from '#shared/suppressions/suppression-store.ts';
import type { WebhookOutbox } from '#shared/webhooks/publish-event.ts';
import { webhookEventFor } from '#shared/webhooks/webhook-events.ts';

/** The SES outcomes counted as CloudWatch metrics. */
const outcomeMetrics: Partial<Record<string, EmailMetric>> = {
  delivered: 'EmailsDelivered',
  bounced: 'EmailsBounced',
  complained: 'EmailsComplained',
};

interface Origin {
  emailId: string;
  projectId: string;
  accountId: string;
}

/**
 * The project-level effects of one event: counters (added to the batch's `counters`,
 * written once per batch), bounce log, suppressions and the address's contacts, reputation.
 */
async function recordEffects(
  origin: Origin,
  event: SesEvent,
  outcome: EmailOutcome,
  now: string,
  { counters, webhooks }: EventBatch,
) {
  const { projectId, accountId, emailId } = origin;
  if ((dailyCounters as readonly string[]).includes(outcome.type)) {
    counters.add(dailyCount(projectId, outcome.at, outcome.type as DailyCounter, outcome.recipientCount));
  }
  if (outcome.sends) counters.add(dailyCount(projectId, outcome.at, 'sent', outcome.sends));
  for (const recipient of event.bounce?.bouncedRecipients ?? []) {
    await logBounce(projectId, {
      emailId,
      recipient: recipient.emailAddress,
      bounceType: event.bounce?.bounceType ?? '',
      bounceSubType: event.bounce?.bounceSubType ?? '',
      diagnosticCode: typeof recipient.diagnosticCode === 'string' ? recipient.diagnosticCode : undefined,
      at: outcome.at,
    });
  }
  for (const email of outcome.suppress?.recipients ?? []) {
    await addSuppression(projectId, {
      email,
      type: outcome.suppress?.reason ?? 'bounce',
      reason: outcome.suppress?.detail,
      sourceEmailId: emailId,
      createdAt: now,
    });
    // The address's contacts in every list of the project, so campaigns skip it.
    await markAddressContacts(
      projectId,
      email,
      outcome.suppress?.reason === 'complaint' ? 'complained' : 'bounced',
      (...args) => webhooks.publish(...args),
    );
  }
  if (outcome.reputation || outcome.sends) {
    const figures = { ...outcome.reputation, sends: outcome.sends };
    counters.add(reputationCount(accountId, Date.parse(outcome.at), figures));
    // The verdict needs this bounce or complaint counted: write the batch's counters first.
    if (figures.bounces || figures.complaints) {
      await counters.flush();
      await evaluateReputation(accountId);
    }
  }
}

/** What the events of one worker invocation share: counters and webhook events written at its end. */
export interface EventBatch {
  counters: CounterBatch;
  webhooks: WebhookOutbox;
}

/**
 * Applies one SES event to its email in one conditional write (see `changeEmail`): the
 * history line, the status when stronger, the open or click counter. The email is found
 * from the event's Mailroom tags and the write holds only if the email's own record
 * agrees (its account, and the SES message the sender recorded), so an event names no
 * email it was not sent as; each SNS notification is applied once. Then the project-level
 * effects: daily counters, the bounce log, suppression of hard-bounced and complaining
 * recipients, the account's reputation window (re-judged after a bounce or complaint);
 * last, the project's webhooks. Events of mail Mailroom did not send are ignored.
 */
export async function recordSesEvent(
  notificationId: string,
  event: SesEvent,
  batch: EventBatch,
): Promise<void> {
  // The sender records SES's acceptance itself; a Send event (a configuration set from
  // before that) would count the send twice.
  if (event.eventType === 'Send') return;
  const tag = (name: string) => event.mail.tags[name]?.[0];
  const emailId = tag(systemTags.emailId);
  const projectId = tag(systemTags.projectId);
  const accountId = tag(systemTags.accountId);
  if (!emailId || !projectId || !accountId) {
    logger.warn('SES event without Mailroom tags; ignored', { messageId: event.mail.messageId });
    return;
  }
  const outcome = interpretSesEvent(event);
  const now = new Date().toISOString();
  const failureReason =
    outcome.status === 'failed' || outcome.status === 'rejected' ? String(outcome.details.reason) : undefined;
  const { outcome: applied, previous } = await applyChange(projectId, emailId, now, {
    status: outcome.status,
    failureReason,
    messageId: event.mail.messageId,
    accountId,
    event: { type: outcome.type, createdAt: outcome.at, details: outcome.details },
    notificationId,
    counter: outcome.counter,
  });
  if (applied === 'unmatched') {
    logger.warn('SES event whose tags do not match the email they name; ignored', {
      emailId,
      messageId: event.mail.messageId,
    });
    return;
  }
  if (applied === 'duplicate') return;
  const campaignId = tag(systemTags.campaignId);
  if (campaignId) countForCampaign(campaignId, emailId, outcome, applied, previous, batch.counters);
  const metric = outcomeMetrics[outcome.type];
  if (metric) countEmails(metric);
  logger.info('SES event recorded', { emailId, type: outcome.type, status: outcome.status });
  await recordEffects({ emailId, projectId, accountId }, event, outcome, now, batch);
  const webhookEvent = webhookEventFor(outcome.type);
  if (webhookEvent) {
    await batch.webhooks.publish(
      projectId,
      webhookEvent,
      { ...emailSummary(emailId, event), ...outcome.details },
      outcome.at,
    );
  }
}

/**
 * A campaign's statistics from its emails' events: each delivery once; a hard bounce and
 * a complaint when they move the email's status there; an email's first open and first
 * click (a click with no open before it counts as both: images were off). An email
 * whose send ended in doubt (`unknown_outcome`, counted failed) and that SES reports on
 * after all was sent: it moves from failed to sent.
 */
function countForCampaign(
  campaignId: string,
  emailId: string,
  outcome: EmailOutcome,
  applied: 'changed' | 'recorded',
  previous: Previous,
  counters: CounterBatch,
) {
  const count = (counter: CampaignCounter, by = 1) =>
    counters.add(campaignCount(campaignId, emailId, counter, by));
  if (outcome.type === 'delivered') count('delivered');
  if (applied !== 'changed') return;
  if (previous.status === 'failed' && previous.failureReason === unknownOutcome) {
    count('failed', -1);
    count('sent');
  }
  const before = previous.status ?? 'queued';
  if (outcome.type === 'bounced' || outcome.type === 'complained') count(outcome.type);
  const opens = outcome.type === 'opened' || outcome.type === 'clicked';
  if (opens && statusesWeakerThan('opened').includes(before)) count('opened');
  if (outcome.type === 'clicked') count('clicked');
}

/** What every webhook payload says about the email, from the SES event itself. */
function emailSummary(emailId: string, event: SesEvent) {
  const shownSubject = event.mail.tags[systemTags.shownSubject]?.[0];
  const userTags = Object.entries(event.mail.tags).filter(
    ([name]) => !name.startsWith('ses:') && !name.startsWith('mailroom_'),
  );
  return {
    email_id: emailId,
    from: displayOf(event.mail.commonHeaders?.from?.[0] ?? event.mail.source ?? ''),
    to: event.mail.destination,
    // Mail whose subject carries a secret (a one-time code) says what may be shown instead.
    subject: shownSubject ? shownSubjectOf(shownSubject) : event.mail.commonHeaders?.subject,
    tags: Object.fromEntries(userTags.map(([name, values]) => [name, values[0]])),
  };
}
