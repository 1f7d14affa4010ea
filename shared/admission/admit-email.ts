import { type AcceptedEmail, type AcceptOptions, acceptEmail } from '#shared/admission/accept-email.ts';
import type { Principal } from '#shared/auth/principal.ts';
import {
  type RelayedEmailInput,
  relayedEmailSchema,
  type SendEmailInput,
  sendEmailSchema,
} from '#shared/emails/send-email-schema.ts';
import { type Idempotency, runOnce } from '#shared/idempotency/run-once.ts';
import { toValidationError } from '#shared/validation.ts';

/** An email as a transport hands it to admission, before the schema parse. */
export type Submission =
  /** A send request as a client wrote it (a REST body, a batch row, a code email): the send schema. */
  | { request: unknown }
  /** A message relayed over SMTP: its fields (the relayed schema) and its MIME as the client wrote it. */
  | { relayed: unknown; mime: Buffer }
  /**
   * An email parsed already (`parseEmail`, for a service that must know it is valid
   * before it acts), or composed by a service from records validated when they were
   * stored (a campaign test).
   */
  | { parsed: SendEmailInput };

/** What a relayed message is, as the accept path takes it. */
function relayedInput(relayed: RelayedEmailInput): SendEmailInput {
  return {
    from: relayed.from,
    to: relayed.to,
    cc: relayed.cc,
    bcc: relayed.bcc,
    ...(relayed.reply_to === undefined ? {} : { reply_to: relayed.reply_to }),
    subject: relayed.subject,
    ...(relayed.tags === undefined ? {} : { tags: relayed.tags }),
  };
}

/** A send request parsed by the send schema (400 `validation_error`, or 413, naming the first field at fault). */
export function parseEmail(request: unknown): SendEmailInput {
  const parsed = sendEmailSchema.safeParse(request);
  if (!parsed.success) throw toValidationError(parsed.error);
  return parsed.data;
}

/** The submission parsed by its schema, and what the accept path needs besides. */
function parse(submission: Submission): { input: SendEmailInput; options: AcceptOptions } {
  if ('parsed' in submission) return { input: submission.parsed, options: {} };
  if ('request' in submission) return { input: parseEmail(submission.request), options: {} };
  const parsed = relayedEmailSchema.safeParse(submission.relayed);
  if (!parsed.success) throw toValidationError(parsed.error);
  return {
    input: relayedInput(parsed.data),
    options: { raw: { mime: submission.mime, subject: parsed.data.subject, sender: parsed.data.sender } },
  };
}

/**
 * The one admission path of an email, whatever brought it (REST single and batch, the
 * SMTP relay, one-time codes, campaign tests), once its transport admitted the principal
 * (`admitPrincipal`: scope, the test-key rule, account status, rate window) and, where
 * it has one, took its idempotency key (`admitEmailOnce`): the schema parse, then sender
 * authorization (From, and Sender for a relayed message), content, suppression and
 * quota, and the record stored and queued (`acceptEmail`).
 */
export async function admitEmail(
  principal: Principal,
  submission: Submission,
  options: Omit<AcceptOptions, 'raw'> = {},
): Promise<AcceptedEmail> {
  const parsed = parse(submission);
  return acceptEmail(principal, parsed.input, { ...options, ...parsed.options });
}

/**
 * `admitEmail` behind an idempotency key, for a transport whose answer is the email's id
 * (the SMTP relay): a repeat with the same key and fingerprint gets the first email's id
 * and nothing is sent twice. (The REST API keeps its whole answers the same way, with the
 * same store, in its idempotency middleware.)
 */
export async function admitEmailOnce(
  principal: Principal,
  submission: Submission,
  idempotency: Idempotency | undefined,
): Promise<string> {
  return runOnce(principal.projectId, idempotency, async () => (await admitEmail(principal, submission)).id);
}
