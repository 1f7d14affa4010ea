import { createHash } from 'node:crypto';
import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { admitEmailOnce } from '#shared/admission/admit-email.ts';
import { admitPrincipal, sendingRights } from '#shared/admission/admit-principal.ts';
import { activeKey } from '#shared/auth/key-lookup.ts';
import { principalOf } from '#shared/auth/principal.ts';
import { domainAndParents } from '#shared/domains/domain-name.ts';
import { domainOf, emailAddress, hasAsciiLocalPart } from '#shared/emails/address.ts';
import { maxMessageBytes } from '#shared/emails/attachments.ts';
import { maxRecipients } from '#shared/emails/send-email-schema.ts';
import { ApiError, ValidationError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import { flushMetrics } from '#shared/metrics.ts';
import { allows } from '#shared/tenancy/scopes.ts';
import type { ApiKeyRecord } from '#shared/tenancy/tenancy-store.ts';
import { BufferBudget, receiveMessages } from './message-buffer.ts';
import { createSessionListener } from './session-listener.ts';
import { KeyWithdrawnError, replyFor, smtpError } from './smtp-replies.ts';

export interface SmtpBridgeOptions {
  /** PEM private key and certificate the bridge terminates TLS with. */
  key: string | Buffer;
  cert: string | Buffer;
  /** The name in the greeting and EHLO. */
  hostname: string;
  /**
   * Every connection starts with the load balancer's PROXY protocol v2 header, which names
   * the client (closed without one); off, the socket's own address is the client's.
   */
  proxyProtocol: boolean;
  /** Bytes of messages held at once across all sessions; past them a message is answered 452 (see `relayBufferBudget`). */
  bufferBudgetBytes: number;
}

/** Open connections per relay process, in all and from one client address. */
const maxConnections = 1000;
const maxConnectionsPerIp = 100;
const openByIp = new Map<string, number>();

/** Failed AUTH attempts allowed per connection, and per client address in `ipWindowMs` (across its connections). */
const maxFailuresPerConnection = 3;
const maxFailuresPerIp = 10;
const ipWindowMs = 10 * 60_000;
const failuresByIp = new Map<string, { count: number; since: number }>();
/** Key checks under way per client address, and the checks waiting for one of them to end. */
const checkingByIp = new Map<string, number>();
const waitingByIp = new Map<string, (() => void)[]>();

/**
 * Admits one key check for an address, or answers false when the address is locked out.
 * Checks whose outcome is not yet known count against the allowance too: parallel
 * connections wait their turn rather than test more keys than the address may.
 */
async function admitKeyCheck(ip: string): Promise<boolean> {
  for (;;) {
    const failures = recentFailures(ip);
    if (failures >= maxFailuresPerIp) return false;
    if (failures + (checkingByIp.get(ip) ?? 0) < maxFailuresPerIp) {
      checkingByIp.set(ip, (checkingByIp.get(ip) ?? 0) + 1);
      return true;
    }
    await new Promise<void>((resolve) => waitingByIp.set(ip, [...(waitingByIp.get(ip) ?? []), resolve]));
  }
}

function keyCheckDone(ip: string) {
  const left = (checkingByIp.get(ip) ?? 1) - 1;
  if (left > 0) checkingByIp.set(ip, left);
  else checkingByIp.delete(ip);
  const waiting = waitingByIp.get(ip) ?? [];
  waitingByIp.delete(ip);
  for (const wake of waiting) wake();
}

function recentFailures(ip: string): number {
  const entry = failuresByIp.get(ip);
  if (!entry || Date.now() - entry.since > ipWindowMs) return 0;
  return entry.count;
}

function countFailure(ip: string) {
  const entry = failuresByIp.get(ip);
  if (!entry || Date.now() - entry.since > ipWindowMs) failuresByIp.set(ip, { count: 1, since: Date.now() });
  else entry.count += 1;
}

/**
 * `X-Mailroom-Tags: kind=welcome, plan=pro` → `{ kind: 'welcome', plan: 'pro' }`; the
 * admission path then holds them to the REST API's own tag rules.
 */
function tagPairs(value: string): Record<string, string> {
  return Object.fromEntries(
    value
      .split(',')
      .map((pair) => pair.split('=').map((part) => part.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== ''),
  );
}

/** A session, with the key its client authenticated with (re-checked per message, so a revocation reaches open connections). */
type Session = SMTPServerSession & {
  user?: ApiKeyRecord;
  keySecret?: string;
  failedAuth?: number;
  /** Counted among its address's open connections. */
  counted?: boolean;
};

/** The session's key as it is now: a key revoked since AUTH is refused within the key cache's 5 seconds. */
async function currentKey(session: Session): Promise<ApiKeyRecord> {
  const key = session.keySecret ? await activeKey(session.keySecret) : undefined;
  if (!key || !allows(key.scopes, 'emails.send')) throw new KeyWithdrawnError();
  session.user = key;
  return key;
}

/** Every address of a parsed header field, groups opened. */
function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  const open = (entry: EmailAddress): string[] =>
    entry.group ? entry.group.flatMap(open) : entry.address ? [entry.address] : [];
  return [field ?? []].flat().flatMap((object) => object.value.flatMap(open));
}

/**
 * The envelope's recipients (the only ones SMTP delivers to), each under the header that
 * names it: To, else Cc, else (named by neither, as Bcc recipients are) Bcc. So the
 * email reads as the same email sent over REST.
 */
function recipientsOf(parsed: ParsedMail, envelope: string[]) {
  const named = (field: AddressObject | AddressObject[] | undefined) =>
    new Set(addressesOf(field).map((address) => address.toLowerCase()));
  const to = named(parsed.to);
  const cc = named(parsed.cc);
  const under = (address: string) =>
    to.has(address.toLowerCase()) ? 'to' : cc.has(address.toLowerCase()) ? 'cc' : 'bcc';
  return {
    to: envelope.filter((address) => under(address) === 'to'),
    cc: envelope.filter((address) => under(address) === 'cc'),
    bcc: envelope.filter((address) => under(address) === 'bcc'),
  };
}

/** The message's one mailbox of a header field that must name at most one (From, Sender). */
function onlyMailbox(parsed: ParsedMail, field: 'from' | 'sender'): EmailAddress | undefined {
  const value = parsed.headers.get(field) as AddressObject | undefined;
  const fields = parsed.headerLines.filter((line) => line.key === field).length;
  // Exactly one author: a second field or mailbox would show recipients a sender the key never proved.
  if (fields > 1 || (value?.value.length ?? 0) > 1 || value?.value[0]?.group) {
    const header = field === 'from' ? 'From' : 'Sender';
    throw new ApiError('forbidden', `The message must have exactly one ${header} header with one mailbox.`);
  }
  return value?.value[0];
}

/** A mailbox as the relayed-message schema takes it. */
const mailboxOf = (mailbox: EmailAddress | undefined) => ({
  address: mailbox?.address ?? '',
  ...(mailbox?.name ? { name: mailbox.name } : {}),
});

/**
 * A refusal of the admission path in the relay's own words where a message's header,
 * not a JSON field, was at fault.
 */
function inHeaderTerms(error: unknown): unknown {
  if (!(error instanceof ValidationError)) return error;
  const field = String(error.details.field ?? '');
  if (field === 'from' || field.startsWith('from.'))
    return new ValidationError('The message needs a From header with one valid address.', 'from');
  if (field === 'tags' || field.startsWith('tags.')) {
    const problem = error.message.slice(error.message.indexOf(': ') + 2) || 'is not valid';
    return new ValidationError(
      `X-Mailroom-Tags must be name=value pairs of letters, digits, _ and - (${problem}).`,
      'tags',
    );
  }
  return error;
}

/**
 * Adapts a message received over SMTP to the admission path of `POST /api/v1/emails`:
 * the session's key as the principal (admitted for sending), then the message's fields
 * (the envelope's recipients, never the headers', From, Sender, Reply-To, subject, tags)
 * and the MIME as the client wrote it, with its `Idempotency-Key` header if any. The
 * admission path parses, authorizes and accepts; the relay only adapts.
 */
async function acceptMessage(raw: Buffer, session: Session): Promise<string> {
  const principal = principalOf(await currentKey(session));
  await admitPrincipal(principal, sendingRights);
  const parsed = await simpleParser(raw, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const from = onlyMailbox(parsed, 'from');
  const sender = onlyMailbox(parsed, 'sender');
  const tags = parsed.headers.get('x-mailroom-tags');
  const replyTo = addressesOf(parsed.replyTo);
  const envelope = session.envelope.rcptTo.map((recipient) => recipient.address);
  const relayed = {
    from: mailboxOf(from),
    ...(parsed.headers.has('sender') ? { sender: mailboxOf(sender) } : {}),
    ...recipientsOf(parsed, envelope),
    ...(replyTo.length > 0 ? { reply_to: replyTo } : {}),
    subject: parsed.subject ?? '',
    ...(parsed.headers.has('x-mailroom-tags') ? { tags: tagPairs(String(tags ?? '')) } : {}),
  };
  const key = parsed.headers.get('idempotency-key');
  // A client that resends after a lost reply gets the first email's id, not a second email.
  const idempotency =
    typeof key === 'string'
      ? {
          key,
          fingerprint: `smtp:${createHash('sha256').update(raw).update(envelope.join(',')).digest('hex')}`,
        }
      : undefined;
  return admitEmailOnce(principal, { relayed, mime: raw }, idempotency).catch((error: unknown) => {
    throw inHeaderTerms(error);
  });
}

/** RFC 6531's refusal of an address the relay cannot carry. */
const nonAscii = () =>
  smtpError(553, '5.6.7 Non-ASCII local parts are not supported: SES does not send to or from them');

function serverOptions(options: SmtpBridgeOptions, secure: boolean, budget: BufferBudget): SMTPServerOptions {
  return {
    secure,
    // The session listener hands over plain sockets (after the PROXY header): the TLS of 465 starts in the session.
    needsUpgrade: secure,
    key: options.key,
    cert: options.cert,
    name: options.hostname,
    banner: 'Mailroom SMTP relay',
    authMethods: ['PLAIN', 'LOGIN'],
    // AUTH is offered only once the connection is encrypted (after STARTTLS on 587).
    allowInsecureAuth: false,
    // Checked in onMailFrom, to answer with the enhanced status code clients expect.
    authOptional: true,
    size: maxMessageBytes,
    // SES delivers no internationalised local parts, so the relay does not offer them.
    hideSMTPUTF8: true,
    socketTimeout: 60_000,
    maxClients: maxConnections,
    closeTimeout: 30_000,
    onConnect(session, callback) {
      if (recentFailures(session.remoteAddress) >= maxFailuresPerIp) {
        return callback(smtpError(421, '4.7.0 Too many failed logins from your address, try later'));
      }
      const open = openByIp.get(session.remoteAddress) ?? 0;
      if (open >= maxConnectionsPerIp) {
        return callback(smtpError(421, '4.7.0 Too many connections from your address, try later'));
      }
      openByIp.set(session.remoteAddress, open + 1);
      (session as Session).counted = true;
      // AUTH is neither offered nor accepted until the connection is encrypted.
      if (!secure) session.disabledCommands = ['AUTH'];
      callback();
    },
    onClose(session: Session) {
      if (!session.counted) return;
      const open = (openByIp.get(session.remoteAddress) ?? 1) - 1;
      if (open > 0) openByIp.set(session.remoteAddress, open);
      else openByIp.delete(session.remoteAddress);
    },
    onSecure(_socket, session, callback) {
      session.disabledCommands = [];
      callback();
    },
    onAuth(auth, session: Session, callback) {
      const fail = (code: number, text: string) => {
        session.failedAuth = (session.failedAuth ?? 0) + 1;
        countFailure(session.remoteAddress);
        callback(smtpError(code, text));
      };
      if ((session.failedAuth ?? 0) >= maxFailuresPerConnection) {
        return callback(smtpError(421, '4.7.0 Too many failed logins on this connection'));
      }
      // Counted across all of the address's connections, checks still running included.
      const ip = session.remoteAddress;
      const checkKey = async () => {
        try {
          const key = await activeKey(auth.password ?? '');
          if (!key) return fail(535, '5.7.8 Authentication credentials invalid');
          if (!allows(key.scopes, 'emails.send')) return fail(535, '5.7.8 This API key may not send email');
          session.keySecret = auth.password ?? undefined;
          callback(null, { user: key });
        } catch (error) {
          logger.error('SMTP auth lookup failed', { error });
          callback(smtpError(454, '4.7.0 Temporary authentication failure'));
        } finally {
          // After the failure is counted, so the checks waiting see it.
          keyCheckDone(ip);
        }
      };
      void admitKeyCheck(ip).then((admitted) =>
        admitted
          ? checkKey()
          : callback(smtpError(421, '4.7.0 Too many failed logins from your address, try later')),
      );
    },
    onMailFrom(address, session: Session, callback) {
      if (!session.user) return callback(smtpError(530, '5.7.0 Authentication required'));
      if (address.address && !hasAsciiLocalPart(address.address)) return callback(nonAscii());
      if (address.address && !emailAddress.safeParse(address.address).success) {
        return callback(smtpError(553, '5.1.7 Bad sender address syntax'));
      }
      // A key revoked since AUTH stops here, within the key cache's 5 seconds.
      currentKey(session).then(
        (key) => {
          // A domain-limited key's envelope sender is held to its domains, as its From is.
          const domain = domainOf(address.address || '');
          if (
            address.address &&
            key.domains.length > 0 &&
            !domainAndParents(domain).some((name) => key.domains.includes(name))
          ) {
            return callback(
              smtpError(550, `5.7.1 This API key may only send from: ${key.domains.join(', ')}`),
            );
          }
          callback();
        },
        (error: unknown) => callback(replyFor(error)),
      );
    },
    onRcptTo(address, session, callback) {
      if (!hasAsciiLocalPart(address.address)) return callback(nonAscii());
      if (!emailAddress.safeParse(address.address).success) {
        return callback(smtpError(553, '5.1.3 Bad recipient address syntax'));
      }
      if (session.envelope.rcptTo.length >= maxRecipients) {
        return callback(smtpError(452, `4.5.3 Too many recipients (at most ${maxRecipients})`));
      }
      callback();
    },
    // Held only within the size limit and the relay's budget; otherwise read to its end and dropped.
    onData: receiveMessages(maxMessageBytes, budget, (raw, session: Session) =>
      acceptMessage(raw, session)
        .then(
          (id) => `2.0.0 Ok: queued as ${id}`,
          (error: unknown) => {
            if (!(error instanceof Error && 'code' in error)) logger.error('SMTP message failed', { error });
            throw replyFor(error);
          },
        )
        .finally(flushMetrics),
    ),
  };
}

export interface SmtpBridge {
  /** Listens on both ports (0 picks free ones); resolves with the ports taken. */
  listen(
    ports: { starttls: number; implicitTls: number },
    host?: string,
  ): Promise<{ starttls: number; implicitTls: number }>;
  /** Stops taking connections and lets open sessions finish (up to 30 s). */
  close(): Promise<void>;
}

/** The relay: STARTTLS on the submission port (587) and implicit TLS on 465. */
export function createSmtpBridge(options: SmtpBridgeOptions): SmtpBridge {
  const budget = new BufferBudget(options.bufferBudgetBytes);
  const submission = new SMTPServer(serverOptions(options, false, budget));
  const implicit = new SMTPServer(serverOptions(options, true, budget));
  for (const server of [submission, implicit]) {
    server.on('error', (error) => logger.warn('SMTP session error', { error }));
  }
  const listenerOf = (server: SMTPServer) =>
    createSessionListener(server, {
      proxyProtocol: options.proxyProtocol,
      headerTimeoutMs: 10_000,
      maxPending: maxConnections,
    });
  const listeners = { starttls: listenerOf(submission), implicitTls: listenerOf(implicit) };
  return {
    async listen(ports, host = '127.0.0.1') {
      return {
        starttls: await listeners.starttls.listen(ports.starttls, host),
        implicitTls: await listeners.implicitTls.listen(ports.implicitTls, host),
      };
    },
    async close() {
      await Promise.all(Object.values(listeners).map((listener) => listener.drain(30_000)));
    },
  };
}
