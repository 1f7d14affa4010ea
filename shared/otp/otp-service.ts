/**
 * One-time codes by email: six digits, ten minutes, the latest code of an (address,
 * purpose) only, five wrong guesses, one use. A code is kept only as an HMAC, keyed by
 * the stack's signing key, over the project, the address, the purpose and the code: a
 * stolen table does not give the codes away (a bare hash of six digits would, in a
 * million guesses).
 */
import { randomInt } from 'node:crypto';
import { admitEmail, parseEmail } from '#shared/admission/admit-email.ts';
import type { Principal } from '#shared/auth/principal.ts';
import { createContact, findContact, findList, updateContact } from '#shared/contacts/contact-service.ts';
import { emailKeyOf, slotState } from '#shared/contacts/contact-slots.ts';
import { listProjectDomains } from '#shared/domains/domain-store.ts';
import { sandboxDomain } from '#shared/domains/sender-authorization.ts';
import { ApiError, ConflictError, ValidationError } from '#shared/errors.ts';
import { consumeKeyRate } from '#shared/limits/key-rate-limit.ts';
import type { LimitReport } from '#shared/limits/window-math.ts';
import type { SendOtpInput, VerifyOtpInput } from '#shared/otp/otp-schema.ts';
import { dropCode, maxAttempts, putCode, takeAttempt, useCode } from '#shared/otp/otp-store.ts';
import { hmacHex, type SigningKeys, sameDigest, signingKeys } from '#shared/secrets/signing-keys.ts';

/** How long a code is good for. */
export const codeLifetimeMs = 10 * 60_000;

const digestOf = (
  keys: SigningKeys,
  keyId: string,
  projectId: string,
  emailKey: string,
  purpose: string,
  code: string,
) => hmacHex(keys, keyId, `mailroom.otp.v1|${projectId}|${emailKey}|${purpose}|${code}`);

/**
 * Where codes come from unless the caller names a sender: `no-reply@` the project's
 * oldest verified domain (among the key's own domains, for a key limited to some), or
 * else the operator's shared sandbox domain.
 */
async function defaultSender(caller: Principal): Promise<string> {
  const verified = (await listProjectDomains(caller.projectId))
    .filter((domain) => domain.status === 'verified')
    .filter((domain) => caller.domains.length === 0 || caller.domains.includes(domain.domain))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0];
  if (verified) return `no-reply@${verified.domain}`;
  const sandbox = sandboxDomain();
  if (sandbox) return `no-reply@${sandbox}`;
  throw new ValidationError(
    'from: the project has no verified domain to send codes from; name a sender in from',
    'from',
  );
}

/** The code email's subject; the log, webhooks and logs show it with the code masked. */
const subjectOf = (code: string) => `${code} is your verification code`;
const maskedCode = '******';

function codeEmail(from: string, to: string, code: string, purpose: string) {
  const minutes = codeLifetimeMs / 60_000;
  return parseEmail({
    from,
    to,
    subject: subjectOf(code),
    text: `Your verification code is ${code}.\n\nIt expires in ${minutes} minutes and works once. If you did not ask for it, ignore this email.`,
    html: `<p>Your verification code is</p><p style="font-size:28px;font-weight:bold;letter-spacing:4px">${code}</p><p>It expires in ${minutes} minutes and works once. If you did not ask for it, ignore this email.</p>`,
    // Marks the email as a code in the log (`GET /api/v1/emails?tag=otp`).
    tags: { otp: purpose },
  });
}

/**
 * Sends a new code through the normal send path (the key's domains, suppression, the
 * account's limits and status, the email log), after the per-recipient window: five codes
 * an hour to one address of the project. The code is stored before the email is accepted,
 * and spent again if the email is refused. The per-recipient window is added to `counted`.
 * Only the message carries the code: the email's record, its webhooks and logs show the
 * subject with the code masked, so no key that reads the log can read a code. A test
 * key's codes and window are its own: they never replace a live code nor spend a live
 * address's five.
 */
export async function sendOtp(caller: Principal, input: SendOtpInput, counted: LimitReport[] = []) {
  const emailKey = emailKeyOf(input.email);
  if (input.listId) await findList(caller.projectId, input.listId);
  const windowName = `otp:${caller.mode === 'test' ? 'test:' : ''}${caller.projectId}:${emailKey}`;
  const window = await consumeKeyRate(windowName, 'otp_recipient');
  if (window) counted.push(window);
  const [from, keys] = await Promise.all([input.from ?? defaultSender(caller), signingKeys()]);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const digest = digestOf(keys, keys.currentId, caller.projectId, emailKey, input.purpose, code) ?? '';
  const now = Date.now();
  const email = codeEmail(from, input.email, code, input.purpose);
  await putCode(caller, emailKey, input.purpose, {
    digest,
    keyId: keys.currentId,
    attempts: 0,
    validUntil: now + codeLifetimeMs,
    sentAt: new Date(now).toISOString(),
    ...(input.listId ? { listId: input.listId } : {}),
  });
  try {
    // A code is never tracked: no image, no redirected links, whatever the domain says.
    const accepted = await admitEmail(
      caller,
      { parsed: email },
      { untracked: true, shownSubject: subjectOf(maskedCode) },
    );
    return {
      ok: true as const,
      expiresAt: new Date(now + codeLifetimeMs).toISOString(),
      emailId: accepted.id,
    };
  } catch (error) {
    await dropCode(caller, emailKey, input.purpose, digest);
    throw error;
  }
}

const invalid = () =>
  new ApiError(
    'otp_invalid',
    'The code is not valid: wrong, already used, replaced by a newer one, or out of attempts. Request a new code.',
  );

/**
 * Checks a code: takes one of its five attempts first (one conditional write, so
 * concurrent guesses cannot exceed them), compares its digest in constant time, then uses
 * it with a second conditional write that only one verify can win. Expired →
 * `otp_expired`; wrong, used, replaced or out of attempts → `otp_invalid`. A verified
 * `subscribe` code sent with a `listId` subscribes the address to that list. A key checks
 * the codes of its own mode only (live or test).
 */
export async function verifyOtp(caller: Principal, input: VerifyOtpInput): Promise<{ ok: true }> {
  const emailKey = emailKeyOf(input.email);
  const now = Date.now();
  const attempt = await takeAttempt(caller, emailKey, input.purpose, now);
  if (!('taken' in attempt)) {
    const stored = attempt.refused;
    if (stored && !stored.usedAt && stored.attempts < maxAttempts && stored.validUntil <= now)
      throw new ApiError('otp_expired', 'The code has expired. Request a new one.');
    throw invalid();
  }
  const stored = attempt.taken;
  // A key added after this instance read the keys: read them again before judging.
  let keys = await signingKeys();
  if (keys.key(stored.keyId) === undefined) keys = await signingKeys({ fresh: true });
  const digest = digestOf(keys, stored.keyId, caller.projectId, emailKey, input.purpose, input.code);
  if (!digest || !sameDigest(stored.digest, digest)) throw invalid();
  if (!(await useCode(caller, emailKey, input.purpose, stored.digest, now))) throw invalid();
  // A test key's code changes no live list.
  if (stored.listId && caller.mode === 'live') await subscribe(caller, stored.listId, input.email);
  return { ok: true };
}

/** The confirmed address joins the list as `subscribed`, or becomes subscribed again. */
async function subscribe(caller: Principal, listId: string, email: string) {
  try {
    await createContact(caller.projectId, { email, listId });
    return;
  } catch (error) {
    // Already in the list: subscribe it again if it had left.
    if (!(error instanceof ConflictError)) throw error;
  }
  const slot = await slotState(listId, email);
  if (!('holder' in slot)) return;
  const contact = await findContact(caller.projectId, slot.holder);
  if (contact.status === 'unsubscribed')
    await updateContact(caller.projectId, contact.id, { status: 'subscribed' });
}
