import { type EmailContent, resolveContent } from '#shared/admission/email-content.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { queueBody } from '#shared/aws/queue-body.ts';
import { useSandboxAllowance } from '#shared/domains/sandbox-allowance.ts';
import { senderGrant } from '#shared/domains/sender-authorization.ts';
import { displayMailbox, domainOf, formatMailbox, type Mailbox } from '#shared/emails/address.ts';
import {
  type EmailPayload,
  inlinePayloadLimit,
  maxQueueDelaySeconds,
  type SendMessage,
  storePayload,
} from '#shared/emails/email-payload.ts';
import { deleteEmail, type EmailRecord, putEmail } from '#shared/emails/email-store.ts';
import { asList, type SendEmailInput } from '#shared/emails/send-email-schema.ts';
import { type QueueEmail, queueEmail } from '#shared/emails/send-queue.ts';
import { capabilityEnv } from '#shared/env.ts';
import { ApiError } from '#shared/errors.ts';
import { newId } from '#shared/ids.ts';
import { consumeSendAllowance } from '#shared/limits/account-limits.ts';
import { logger } from '#shared/logger.ts';
import { countEmails } from '#shared/metrics.ts';
import { normaliseAddress, suppressedAmong } from '#shared/suppressions/suppression-store.ts';
import { publishEmailEvent, subscribers } from '#shared/webhooks/publish-event.ts';
import * as z from '#shared/zod.ts';

const retentionEnv = capabilityEnv('settings:emailRetention', {
  EMAIL_RETENTION_DAYS: z.coerce.number().check(z.int(), z.gte(1)),
});

export interface AcceptedEmail {
  id: string;
  status: EmailRecord['status'];
  suppressed: string[];
}

/**
 * Header fields of a relayed message that never leave as written: Bcc (its recipients
 * travel in the SES envelope only, however it is spaced), the instructions a client gives
 * the relay, any instruction to SES (configuration set, tags, sending authorization),
 * which only Mailroom may give, and what only the mail systems on the way may state
 * (authentication results and signatures, trace and resent fields); SES signs and traces
 * the message itself.
 */
const relayOnlyHeaders =
  /^(bcc|idempotency-key|x-mailroom-[^:\s]*|x-ses-[^:\s]*|dkim-signature|arc-[^:\s]*|authentication-results|received(-spf)?|return-path|resent-[^:\s]*)[ \t]*:/i;

/** The message without those header fields (and their folded lines). */
function withoutRelayOnlyHeaders(mime: Buffer): Buffer {
  const text = mime.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const kept = head.split(/\r?\n(?![ \t])/).filter((field) => !relayOnlyHeaders.test(field));
  const newline = head.includes('\r\n') ? '\r\n' : '\n';
  return Buffer.from(kept.join(newline) + (end === -1 ? '' : text.slice(end)), 'latin1');
}

/** Drops suppressed addresses from a list, keeping the caller's spelling of the rest. */
function withoutSuppressed(addresses: string[], suppressed: ReadonlyMap<string, unknown>): string[] {
  return addresses.filter((address) => !suppressed.has(normaliseAddress(address)));
}

/** How an email is accepted besides its input. */
export interface AcceptOptions {
  batchId?: string;
  allowanceTaken?: boolean;
  /** How the email goes on the send queue (a batch groups its rows' messages). */
  queue?: QueueEmail;
  /**
   * A complete MIME message to send as it is (the SMTP relay); `input` carries its
   * envelope, and `sender` the mailbox of its Sender header, which must be one the
   * caller may send from, as its From must.
   */
  raw?: { mime: Buffer; subject: string; sender?: Mailbox };
  /** Never tracked, whatever the domain or the input say (one-time codes). */
  untracked?: boolean;
  /**
   * The subject as the log, webhooks and logs show it, when the real one carries a
   * secret meant for the recipient alone (a one-time code): only the message has the real one.
   */
  shownSubject?: string;
}

/**
 * Accepts one email: checks the caller may send from its domain (and name its Sender,
 * for a relayed message), renders its content
 * (template, derived text part), skips suppressed recipients (all suppressed → 400),
 * counts it against the account's sending windows and monthly quota,
 * stores the record and queues it, now or at `scheduled_at`. A test key's email is
 * stored with status `test` and never queued. If queueing fails the record is removed
 * again: an email is either fully accepted or not at all.
 */
export async function acceptEmail(
  caller: Principal,
  input: SendEmailInput,
  options: AcceptOptions = {},
): Promise<AcceptedEmail> {
  // The reads, and the count against the account's windows, at once: one round trip.
  // Their errors keep this order of precedence; a count made for a request refused
  // after all is given back.
  const grant = senderGrant(caller, input.from.address);
  const authorized = grant.then((granted) => granted.authority);
  const sender = options.raw?.sender;
  const senderAuthorized = sender ? senderMayBeNamed(caller, sender.address) : Promise.resolve();
  const resolved: Promise<EmailContent> = options.raw
    ? Promise.resolve({ subject: options.raw.subject })
    : resolveContent(caller, input);
  const suppression = suppressedAmong(caller.projectId, [
    ...asList(input.to),
    ...asList(input.cc),
    ...asList(input.bcc),
  ]);
  // Read now for `email.queued`; if the read fails, publishing reads again.
  const queuedWebhooks = subscribers(caller.projectId, 'email.queued').catch(() => undefined);
  const allowance = options.allowanceTaken ? undefined : consumeSendAllowance(caller, 1);
  const giveBack = async () => {
    const taken = await allowance?.catch(() => undefined);
    await taken?.giveBack();
  };
  try {
    await firstFailureInOrder([
      authorized,
      senderAuthorized,
      resolved,
      suppression,
      ...(allowance ? [allowance] : []),
    ]);
  } catch (error) {
    await giveBack();
    throw error;
  }
  const content = await resolved;
  const suppressed = await suppression;
  const to = withoutSuppressed(asList(input.to), suppressed);
  const cc = withoutSuppressed(asList(input.cc), suppressed);
  const bcc = withoutSuppressed(asList(input.bcc), suppressed);
  if (to.length + cc.length + bcc.length === 0) {
    await giveBack();
    throw new ApiError('all_recipients_suppressed', 'Every recipient is on the suppression list.', {
      field: 'to',
      suppressed: [...suppressed.keys()],
    });
  }
  if ((await authorized) === 'sandbox') {
    await useSandboxAllowance(caller.projectId).catch(async (error: unknown) => {
      await giveBack();
      throw error;
    });
  }

  const now = Date.now();
  const sendAt = input.scheduled_at === undefined ? now : Date.parse(input.scheduled_at);
  const delaySeconds = Math.max(0, Math.ceil((sendAt - now) / 1000));
  const mailbox = { name: input.from_name ?? input.from.name, address: input.from.address };
  const from = formatMailbox(mailbox);
  const email: EmailRecord = {
    id: newId('email', now),
    projectId: caller.projectId,
    accountId: caller.accountId,
    keyId: caller.keyId,
    mode: caller.mode,
    batchId: options.batchId,
    from: displayMailbox(mailbox),
    fromDomain: domainOf(input.from.address),
    to: input.to,
    cc: asList(input.cc),
    bcc: asList(input.bcc),
    replyTo: asList(input.reply_to),
    subject: options.shownSubject ?? content.subject,
    tags: input.tags ?? {},
    templateId: input.template_id,
    suppressed: [...suppressed.keys()],
    status: caller.mode === 'test' ? 'test' : delaySeconds > 0 ? 'scheduled' : 'queued',
    opens: 0,
    clicks: 0,
    scheduledAt: delaySeconds > 0 ? new Date(sendAt).toISOString() : undefined,
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    expiresAt: Math.floor(Math.max(now, sendAt) / 1000) + retentionEnv().EMAIL_RETENTION_DAYS * 86_400,
  };
  const result = { id: email.id, status: email.status, suppressed: email.suppressed };
  if (email.status === 'test') {
    await putEmail(email);
    return accepted(email, result);
  }

  const payload: EmailPayload = {
    from,
    to,
    cc,
    bcc,
    replyTo: email.replyTo,
    subject: content.subject,
    ...(options.shownSubject === undefined ? {} : { shownSubject: options.shownSubject }),
    html: content.html,
    text: content.text,
    ...(options.raw ? { raw: withoutRelayOnlyHeaders(options.raw.mime).toString('base64') } : {}),
    headers: input.headers ?? {},
    tags: email.tags,
    tracking: options.untracked
      ? { opens: false, clicks: false }
      : {
          opens: input.tracking?.opens ?? (await grant).tracking.opens,
          clicks: input.tracking?.clicks ?? (await grant).tracking.clicks,
        },
    attachments: (input.attachments ?? []).map((file) => ({
      filename: file.filename,
      content: file.content,
      contentType: file.content_type,
      contentId: file.content_id,
    })),
  };
  const waitsForRelease = delaySeconds > maxQueueDelaySeconds;
  const inline = !waitsForRelease && Buffer.byteLength(queueBody(payload)) <= inlinePayloadLimit;
  const message: SendMessage = {
    emailId: email.id,
    projectId: email.projectId,
    accountId: email.accountId,
    ...(inline ? { payload } : { payloadKey: await storePayload(email.id, payload) }),
  };

  await putEmail(email, { waitsForRelease });
  if (!waitsForRelease) {
    try {
      await (options.queue ?? queueEmail)(message, delaySeconds);
    } catch (error) {
      logger.error('could not queue email; removing its record', { emailId: email.id, error });
      await deleteEmail(email.projectId, email.id);
      throw error;
    }
  }
  // The email is accepted whatever happens here; a lost `email.queued` is logged, not fatal.
  await publishEmailEvent(
    email.projectId,
    'email.queued',
    {
      email_id: email.id,
      from: email.from,
      to,
      subject: email.subject,
      tags: email.tags,
      status: email.status,
    },
    email.createdAt,
    await queuedWebhooks,
  ).catch((error: unknown) => logger.error('could not publish email.queued', { emailId: email.id, error }));
  return accepted(email, result);
}

function accepted<Result>(email: EmailRecord, result: Result): Result {
  countEmails('EmailsAccepted');
  logger.info('email accepted', { emailId: email.id, projectId: email.projectId, status: email.status });
  return result;
}

/** Waits for every promise; if any rejected, throws the reason of the first in the list (not in time). */
async function firstFailureInOrder(promises: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * A Sender header names who sent the message on its author's behalf, and mail clients
 * show it ("on behalf of"): it is held to the same rule as From, so a key cannot make a
 * message read as sent by another project's domain.
 */
async function senderMayBeNamed(caller: Principal, address: string): Promise<void> {
  try {
    await senderGrant(caller, address);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    throw new ApiError(
      error.code,
      `The Sender header names ${address}, which this key may not send as: ${error.message}`,
      {
        ...error.details,
        field: 'sender',
      },
    );
  }
}
