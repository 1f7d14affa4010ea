import { SESv2ServiceException, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { configurationSetName, ses } from '#shared/aws/ses.ts';
import { campaignPayload } from '#shared/campaigns/campaign-payload.ts';
import { campaignGate } from '#shared/campaigns/campaign-sending.ts';
import { campaignCountItem } from '#shared/campaigns/campaign-store.ts';
import { displayOf, domainOf, parseMailbox } from '#shared/emails/address.ts';
import { composeMime } from '#shared/emails/compose-mime.ts';
import { unknownOutcome } from '#shared/emails/email-lifecycle.ts';
import { type EmailPayload, payloadOf, type SendMessage } from '#shared/emails/email-payload.ts';
import { changeEmail, claimForSending, markFailed, releaseClaim } from '#shared/emails/email-store.ts';
import { SendDeferredError } from '#shared/emails/send-deferred.ts';
import { forgetSendQuota, NoSendCapacityError, type SendBudget } from '#shared/emails/send-rate.ts';
import { shownSubjectTag, systemTags } from '#shared/emails/system-tags.ts';
import { holdForAccount, parkForCampaign } from '#shared/emails/waiting-mail.ts';
import { logger } from '#shared/logger.ts';
import { countEmails } from '#shared/metrics.ts';
import { accountStatus } from '#shared/tenancy/account-status.ts';
import { associateWithTenant, sesTenantsEnabled, tenantNameOf } from '#shared/tenancy/ses-tenants.ts';
import type { WebhookOutbox } from '#shared/webhooks/publish-event.ts';

/** The email's record is not there; retried, then the message rests in the DLQ. */
export class EmailMissingError extends Error {
  constructor(emailId: string) {
    super(`Email ${emailId} has no record`);
    this.name = 'EmailMissingError';
  }
}

/** A campaign email's counter, written in the same transaction as its status change. */
const campaignCount = (message: SendMessage, counter: 'sent' | 'failed') =>
  message.campaign ? [campaignCountItem(message.campaign.id, message.emailId, counter)] : [];

/** The subject webhooks and logs may show: never a secret the message carries for its recipient. */
const subjectShown = (payload: EmailPayload) => payload.shownSubject ?? payload.subject;

/**
 * Marks the email failed (counted for its campaign) and tells the project's webhooks
 * (`email.failed`): the one way an email fails on its way to SES. `payload` describes
 * it to the webhooks; when it cannot be had, the message's own envelope does.
 */
export async function failEmail(
  message: SendMessage,
  payload: EmailPayload | undefined,
  reason: string,
  webhooks: WebhookOutbox,
): Promise<void> {
  const at = new Date().toISOString();
  if (!(await markFailed(message.projectId, message.emailId, reason, at, campaignCount(message, 'failed'))))
    return;
  await webhooks.publish(
    message.projectId,
    'email.failed',
    {
      email_id: message.emailId,
      from: payload ? displayOf(payload.from) : undefined,
      to: payload?.to ?? (message.campaign ? [message.campaign.email] : undefined),
      subject: payload ? subjectShown(payload) : undefined,
      tags: payload?.tags ?? {},
      reason,
    },
    at,
  );
}

const fail = (message: SendMessage, payload: EmailPayload, reason: string, context: SendContext) =>
  failEmail(message, payload, reason, context.webhooks);

const addressOf = (mailbox: string) => parseMailbox(mailbox).address;

/** SES calls one invocation makes for one email before handing it back to the queue. */
const attemptsPerInvocation = 3;

/**
 * Connection errors that prove SES never had the whole request, so a retry cannot
 * double-send: nothing listened, the name did not resolve, or the connection broke
 * while the request was still being written (EPIPE: a reused connection the other end
 * had just closed).
 */
function neverLeft(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EPIPE';
}

async function sendCommand(message: SendMessage, payload: EmailPayload): Promise<SendEmailCommand> {
  if (sesTenantsEnabled()) {
    // The identity may be the shared sandbox domain, which no domain creation associated.
    await associateWithTenant(message.accountId, domainOf(addressOf(payload.from)));
  }
  return new SendEmailCommand({
    ...(sesTenantsEnabled() ? { TenantName: tenantNameOf(message.accountId) } : {}),
    FromEmailAddress: payload.from,
    // The envelope: Bcc recipients are here and nowhere in the message's headers.
    Destination: { ToAddresses: payload.to, CcAddresses: payload.cc, BccAddresses: payload.bcc },
    Content: { Raw: { Data: await composeMime(payload, message.emailId) } },
    ConfigurationSetName: configurationSetName(),
    // Always said, never left to the configuration set: tracked and untracked mail share it.
    ConfigurationOverrides: {
      Tracking: {
        OpenTrackingEnabled: payload.tracking?.opens ? 'ENABLED' : 'DISABLED',
        ClickTrackingEnabled: payload.tracking?.clicks ? 'ENABLED' : 'DISABLED',
      },
    },
    EmailTags: [
      { Name: systemTags.emailId, Value: message.emailId },
      { Name: systemTags.projectId, Value: message.projectId },
      { Name: systemTags.accountId, Value: message.accountId },
      ...(message.campaign ? [{ Name: systemTags.campaignId, Value: message.campaign.id }] : []),
      ...(payload.shownSubject === undefined
        ? []
        : [{ Name: systemTags.shownSubject, Value: shownSubjectTag(payload.shownSubject) }]),
      ...Object.entries(payload.tags).map(([Name, Value]) => ({ Name, Value })),
    ],
  });
}

function recipientCount(payload: EmailPayload): number {
  return payload.to.length + payload.cc.length + payload.bcc.length;
}

/** What one sender invocation shares across its batch: the SES budget, and the webhook events sent at its end. */
export interface SendContext {
  budget: SendBudget;
  webhooks: WebhookOutbox;
}

/**
 * Records SES's acceptance (SES's own `Send` event is not published, which halves the
 * event traffic): the email becomes `sent` with SES's MessageId, and the project's
 * webhooks get `email.sent`.
 */
async function recordSent(
  message: SendMessage,
  payload: EmailPayload,
  messageId: string,
  context: SendContext,
) {
  const at = new Date().toISOString();
  await changeEmail(
    message.projectId,
    message.emailId,
    at,
    { status: 'sent', messageId, event: { type: 'sent', createdAt: at } },
    campaignCount(message, 'sent'),
    // Counted once whatever the order: SES's delivery event may have reached the email first.
    { evenIfStronger: true },
  );
  await context.webhooks.publish(
    message.projectId,
    'email.sent',
    {
      email_id: message.emailId,
      from: displayOf(payload.from),
      to: [...payload.to, ...payload.cc, ...payload.bcc],
      subject: subjectShown(payload),
      tags: payload.tags,
    },
    at,
  );
}

/**
 * Hands one email to SES, at most once, within the account's sending rate. Mail of an
 * account that is not active is held (see `holdForAccount`), not sent and not dropped.
 *
 * First a share of the per-second budget, then the claim (a conditional write), then
 * the SES call. A redelivered queue message finds the claim and sends nothing. After:
 * - accepted: `sent` with SES's MessageId (see `recordSent`);
 * - refused for good (MessageRejected, BadRequest…): `failed` with SES's reason;
 * - throttled, an SES 5xx, a refused connection: SES did not send, so it is tried
 *   again when there is capacity, up to three times; then, or when there is no capacity
 *   before `deadline`, the claim is released and `SendDeferredError` thrown, so the
 *   queue brings it back;
 * - a claim found that another sender took moments ago (a duplicate message): it is
 *   looked at again later (`SendDeferredError`), once that sender has finished;
 * - no answer (a timeout after the request left), or a claim found from an attempt
 *   that died: SES may have sent it, so the email is `failed` with `unknown_outcome`
 *   rather than risk a duplicate. If SES did send it, its events correct the status.
 */
export async function deliverEmail(
  message: SendMessage,
  deadline: number,
  context: SendContext,
): Promise<void> {
  let payload: EmailPayload;
  if (message.campaign && !message.payload && !message.payloadKey) {
    const gate = await campaignGate({ ...message, campaign: message.campaign });
    if (!gate.send) return;
    payload = await campaignPayload(gate.campaign, message.campaign, message.emailId);
  } else payload = await payloadOf(message);
  const notActive = async (fresh: boolean) =>
    (await accountStatus(message.accountId, { fresh })) !== 'active';
  // A cached "not active" is confirmed before holding: the operator may have just restored it.
  if ((await notActive(false)) && (await notActive(true))) {
    // A campaign's mail waits parked: its campaign pauses, and resuming queues it again.
    if (message.campaign) await parkForCampaign({ ...message, campaign: message.campaign });
    else await holdForAccount(message, payload);
    return;
  }
  const capacity = () =>
    context.budget.acquire(recipientCount(payload), deadline).catch((error: unknown) => {
      if (error instanceof NoSendCapacityError) throw new SendDeferredError(error.message, { cause: error });
      throw error;
    });
  await capacity();
  // The wait for capacity may have been long: a campaign paused or cancelled meanwhile stops here.
  if (message.campaign && !(await campaignGate({ ...message, campaign: message.campaign })).send) return;

  const claim = await claimForSending(message.projectId, message.emailId, new Date().toISOString());
  if (claim === 'missing') throw new EmailMissingError(message.emailId);
  if (claim === 'settled') return;
  // A duplicate message while another sender has it in hand: look again later, when it has settled.
  if (claim === 'busy') throw new SendDeferredError('another sender is handing this email to SES');
  if (claim === 'in_doubt') {
    logger.warn('found an unfinished send attempt; not sending again', { emailId: message.emailId });
    await fail(message, payload, unknownOutcome, context);
    return;
  }

  const command = await sendCommand(message, payload);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const sent = await ses.send(command);
      countEmails('EmailsSent');
      logger.info('email sent', { emailId: message.emailId, messageId: sent.MessageId });
      if (sent.MessageId) await recordSent(message, payload, sent.MessageId, context);
      return;
    } catch (error) {
      // A 429 is SES's word that it did not send: safe to try again, once there is room.
      if (error instanceof TooManyRequestsException) forgetSendQuota();
      const sesDeclined =
        error instanceof TooManyRequestsException ||
        (error instanceof SESv2ServiceException && error.$fault === 'server') ||
        neverLeft(error);
      if (sesDeclined) {
        const retried =
          attempt < attemptsPerInvocation &&
          (await capacity().then(
            () => true,
            () => false,
          ));
        if (retried) continue;
        await releaseClaim(message.projectId, message.emailId);
        throw new SendDeferredError(`SES declined for now: ${(error as Error).name}`, { cause: error });
      }
      if (error instanceof SESv2ServiceException) {
        await fail(message, payload, `${error.name}: ${error.message}`, context);
        return;
      }
      logger.error('SES call ended without an answer', { emailId: message.emailId, error });
      await fail(message, payload, unknownOutcome, context);
      return;
    }
  }
}
