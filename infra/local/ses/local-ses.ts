import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { queueBody } from '#shared/aws/queue-body.ts';
import {
  bounceEvent,
  clickEvent,
  complaintEvent,
  deliveryEvent,
  openEvent,
  type SentMail,
  sendEvent,
} from './event-json.ts';
import { type MessageHead, parseHead, stopMailWorker, trackOffThread } from './mail-work.ts';
import { sesMessageId } from './message-id.ts';
import { simulatedOutcome } from './simulator.ts';
import type { TrackedLink } from './tracking.ts';

/** A domain SES takes as an identity: dotted labels of letters, digits and hyphens (punycode for IDNs). */
const sesDomain = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

/**
 * An address SES sends to or from: one `@`, a 7-bit local part (SES does not support
 * SMTPUTF8), a domain as above.
 */
export function isSesAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return false;
  const local = address.slice(0, at);
  return (
    /^[\x21-\x7e]{1,64}$/.test(local) &&
    !/[<>()[\]\\,;:\s"]/.test(local) &&
    sesDomain.test(address.slice(at + 1))
  );
}

/** An error SES v2 would answer with; the HTTP layer sends it so the SDK throws `name`. */
export class SesError extends Error {
  readonly status: number;
  constructor(name: string, status: number, message: string) {
    super(message);
    this.name = name;
    this.status = status;
  }
}

export type VerificationStatus = 'PENDING' | 'SUCCESS' | 'FAILED' | 'TEMPORARY_FAILURE' | 'NOT_STARTED';

interface Identity {
  name: string;
  type: 'DOMAIN' | 'EMAIL_ADDRESS';
  status: VerificationStatus;
  dkimTokens: string[];
  createdAt: number;
  /** When a PENDING identity turns SUCCESS on its own, unless the control call pins it. */
  verifiesAt?: number;
  mailFromDomain?: string;
  behaviorOnMxFailure?: string;
  configurationSetName?: string;
  tags: { Key: string; Value: string }[];
}

interface EventDestination {
  name: string;
  enabled: boolean;
  matchingEventTypes: string[];
  topicArn?: string;
}

interface Tenant {
  TenantName: string;
  TenantId: string;
  TenantArn: string;
  CreatedTimestamp: number;
  SendingStatus: 'ENABLED';
  Tags: { Key: string; Value: string }[];
  resources: string[];
}

interface ConfigurationSet {
  name: string;
  eventDestinations: EventDestination[];
}

/** One message SES accepted, as the viewer and the JSON read API show it. */
export interface CapturedMail {
  messageId: string;
  timestamp: string;
  from: string;
  destination: string[];
  subject: string;
  configurationSetName?: string;
  tenantName?: string;
  tags: Record<string, string>;
  events: string[];
}

export interface SendInput {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  ReplyToAddresses?: string[];
  Content?: {
    Simple?: {
      Subject?: { Data?: string };
      Body?: { Html?: { Data?: string }; Text?: { Data?: string } };
      Headers?: { Name: string; Value: string }[];
    };
    Raw?: { Data?: string };
  };
  ConfigurationSetName?: string;
  EmailTags?: { Name: string; Value: string }[];
  TenantName?: string;
  /** Per-message tracking (`ENABLED`/`DISABLED`); the configuration sets here track nothing by default. */
  ConfigurationOverrides?: { Tracking?: { OpenTrackingEnabled?: string; ClickTrackingEnabled?: string } };
}

/** A message sent with tracking: what its open and click events need. */
interface TrackedMail {
  messageId: string;
  setName: string;
  sent: SentMail;
  links: TrackedLink[];
  /** Whether its opens are tracked (an image was added), beside its links. */
  opens?: boolean;
}

export interface LocalSesOptions {
  region: string;
  accountId: string;
  /** How long a new identity stays PENDING before SES "finds" its DNS records. */
  verificationDelayMs: number;
  /** Delay between the Send event and the delivery outcome events. */
  outcomeDelayMs: number;
  maxSendRate: number;
  max24HourSend: number;
  /** Refuse senders whose domain or address is not a verified identity, as real SES does. */
  requireVerifiedSender: boolean;
  /** Publishes an event to an SNS topic (the configuration set's destination). */
  publish: (topicArn: string, message: string) => Promise<void>;
  /** Where state and captured mail are kept across restarts; in memory when absent. */
  dataDir?: string;
}

/** What happens to a sent message after the outcome delay: its delivery (or bounce), then any complaint. */
interface OutcomeStep {
  setName: string;
  mail: SentMail;
  stage: 'outcome' | 'complaint';
}

/** An event notification on its way to an SNS topic. */
interface Notification {
  topicArn: string;
  message: string;
  type: string;
}

interface PersistedState {
  identities: Identity[];
  tenants?: Tenant[];
  configurationSets: ConfigurationSet[];
  mail: CapturedMail[];
  quota: { maxSendRate: number; max24HourSend: number };
  steps?: OutcomeStep[];
  outbox?: Notification[];
  tracked?: TrackedMail[];
}

const dkimTokenAlphabet = 'abcdefghijklmnopqrstuvwxyz234567';

function dkimToken(): string {
  let token = '';
  for (let i = 0; i < 32; i += 1)
    token += dkimTokenAlphabet[Math.floor(Math.random() * dkimTokenAlphabet.length)];
  return token;
}

function addressOf(mailbox: string): string {
  return (/<([^>]+)>/.exec(mailbox)?.[1] ?? mailbox).trim();
}

/**
 * A stand-in for Amazon SES v2 with the behaviour Mailroom depends on: identities with
 * Easy DKIM tokens that verify after a delay, configuration sets whose events go to
 * SNS in SES's own JSON, the mailbox simulator, and the account's sending quota with
 * throttling past MaxSendRate.
 */
export class LocalSes {
  private readonly identities = new Map<string, Identity>();
  private readonly configurationSets = new Map<string, ConfigurationSet>();
  private readonly tenants = new Map<string, Tenant>();
  private readonly mail: CapturedMail[] = [];
  private readonly raw = new Map<string, Buffer>();
  /** Recipient send times within the last 24 hours, oldest first, for rate and quota. */
  private readonly sendTimes: number[] = [];
  private quota: { maxSendRate: number; max24HourSend: number };
  /** The send-rate token bucket: tokens left, and when that was computed. */
  private bucket = { tokens: 0, at: 0 };
  private readonly pending = new Set<NodeJS.Timeout>();
  /** Outcome steps not yet run, and notifications SNS has not yet taken. */
  private readonly steps = new Set<OutcomeStep>();
  private readonly outbox = new Set<Notification>();
  private readonly tracked = new Map<string, TrackedMail>();
  private saveTimer: NodeJS.Timeout | undefined;

  private readonly options: LocalSesOptions;

  constructor(options: LocalSesOptions) {
    this.options = options;
    this.quota = { maxSendRate: options.maxSendRate, max24HourSend: options.max24HourSend };
    this.bucket = { tokens: options.maxSendRate, at: Date.now() };
    this.load();
  }

  // ---- identities ------------------------------------------------------------------

  createIdentity(input: {
    EmailIdentity?: string;
    ConfigurationSetName?: string;
    Tags?: { Key: string; Value: string }[];
  }) {
    const name = input.EmailIdentity?.trim().toLowerCase();
    if (!name) throw new SesError('BadRequestException', 400, 'EmailIdentity is required.');
    if (!(name.includes('@') ? isSesAddress(name) : sesDomain.test(name))) {
      throw new SesError('BadRequestException', 400, `Invalid identity: ${input.EmailIdentity}`);
    }
    if (this.identities.has(name)) {
      throw new SesError('AlreadyExistsException', 400, `Email identity ${name} already exist.`);
    }
    const type = name.includes('@') ? 'EMAIL_ADDRESS' : 'DOMAIN';
    const identity: Identity = {
      name,
      type,
      status: 'PENDING',
      dkimTokens: type === 'DOMAIN' ? [dkimToken(), dkimToken(), dkimToken()] : [],
      createdAt: Date.now(),
      verifiesAt: Date.now() + this.options.verificationDelayMs,
      configurationSetName: input.ConfigurationSetName,
      tags: input.Tags ?? [],
    };
    this.identities.set(name, identity);
    this.save();
    return {
      IdentityType: type,
      VerifiedForSendingStatus: false,
      DkimAttributes: this.dkimAttributes(identity),
    };
  }

  /** Local-only: an identity that exists and is verified (the operator's sandbox domain). */
  ensureVerifiedIdentity(name: string) {
    if (!this.identities.has(name)) this.createIdentity({ EmailIdentity: name });
    this.setIdentityStatus(name, 'SUCCESS');
  }

  getIdentity(name: string) {
    const identity = this.identity(name);
    return {
      IdentityType: identity.type,
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: identity.status === 'SUCCESS',
      VerificationStatus: identity.status,
      DkimAttributes: this.dkimAttributes(identity),
      MailFromAttributes: identity.mailFromDomain
        ? {
            MailFromDomain: identity.mailFromDomain,
            MailFromDomainStatus: identity.status === 'SUCCESS' ? 'SUCCESS' : 'PENDING',
            BehaviorOnMxFailure: identity.behaviorOnMxFailure ?? 'USE_DEFAULT_VALUE',
          }
        : undefined,
      ConfigurationSetName: identity.configurationSetName,
      Policies: {},
      Tags: identity.tags,
    };
  }

  deleteIdentity(name: string) {
    this.identity(name);
    this.identities.delete(name.toLowerCase());
    this.save();
    return {};
  }

  listIdentities(pageSize = 100, nextToken?: string) {
    const all = [...this.identities.values()].sort((a, b) => a.name.localeCompare(b.name));
    const start = nextToken ? Number(nextToken) : 0;
    const page = all.slice(start, start + pageSize);
    return {
      EmailIdentities: page.map((identity) => {
        this.settle(identity);
        return {
          IdentityType: identity.type,
          IdentityName: identity.name,
          SendingEnabled: identity.status === 'SUCCESS',
          VerificationStatus: identity.status,
        };
      }),
      NextToken: start + pageSize < all.length ? String(start + pageSize) : undefined,
    };
  }

  putMailFrom(name: string, input: { MailFromDomain?: string; BehaviorOnMxFailure?: string }) {
    const identity = this.identity(name);
    identity.mailFromDomain = input.MailFromDomain;
    identity.behaviorOnMxFailure = input.BehaviorOnMxFailure;
    this.save();
    return {};
  }

  putIdentityConfigurationSet(name: string, input: { ConfigurationSetName?: string }) {
    const identity = this.identity(name);
    identity.configurationSetName = input.ConfigurationSetName;
    this.save();
    return {};
  }

  /** Local-only control: pin an identity's verdict (PENDING, SUCCESS or FAILED). */
  setIdentityStatus(name: string, status: VerificationStatus) {
    const identity = this.identity(name);
    identity.status = status;
    identity.verifiesAt = undefined;
    this.save();
    return this.getIdentity(name);
  }

  private identity(name: string): Identity {
    const identity = this.identities.get(name.toLowerCase());
    if (!identity) throw new SesError('NotFoundException', 404, `Email identity ${name} does not exist.`);
    this.settle(identity);
    return identity;
  }

  /** Applies the verification delay lazily: a PENDING identity past its time is verified. */
  private settle(identity: Identity) {
    if (
      identity.status === 'PENDING' &&
      identity.verifiesAt !== undefined &&
      Date.now() >= identity.verifiesAt
    ) {
      identity.status = 'SUCCESS';
      identity.verifiesAt = undefined;
      this.save();
    }
  }

  private dkimAttributes(identity: Identity) {
    return {
      SigningEnabled: true,
      Status: identity.type === 'DOMAIN' ? identity.status : 'NOT_STARTED',
      Tokens: identity.dkimTokens,
      SigningAttributesOrigin: 'AWS_SES',
      NextSigningKeyLength: 'RSA_2048_BIT',
      CurrentSigningKeyLength: 'RSA_2048_BIT',
      LastKeyGenerationTimestamp: Math.floor(identity.createdAt / 1000),
    };
  }

  /** SES accepts a sender whose address, domain or any parent domain is a verified identity. */
  private isVerifiedSender(address: string): boolean {
    const labels = address
      .slice(address.lastIndexOf('@') + 1)
      .toLowerCase()
      .split('.');
    const domains = labels.map((_, index) => labels.slice(index).join('.'));
    return [address.toLowerCase(), ...domains].some((name) => {
      const identity = this.identities.get(name);
      if (identity) this.settle(identity);
      return identity?.status === 'SUCCESS';
    });
  }

  // ---- configuration sets ------------------------------------------------------------

  createConfigurationSet(input: { ConfigurationSetName?: string }) {
    const name = input.ConfigurationSetName;
    if (!name) throw new SesError('BadRequestException', 400, 'ConfigurationSetName is required.');
    if (this.configurationSets.has(name)) {
      throw new SesError('AlreadyExistsException', 400, `Configuration set ${name} already exists.`);
    }
    this.configurationSets.set(name, { name, eventDestinations: [] });
    this.save();
    return {};
  }

  createEventDestination(
    setName: string,
    input: {
      EventDestinationName?: string;
      EventDestination?: {
        Enabled?: boolean;
        MatchingEventTypes?: string[];
        SnsDestination?: { TopicArn?: string };
      };
    },
  ) {
    const set = this.configurationSet(setName);
    const name = input.EventDestinationName ?? '';
    if (set.eventDestinations.some((destination) => destination.name === name)) {
      throw new SesError('AlreadyExistsException', 400, `Event destination ${name} already exists.`);
    }
    set.eventDestinations.push({
      name,
      enabled: input.EventDestination?.Enabled ?? false,
      matchingEventTypes: input.EventDestination?.MatchingEventTypes ?? [],
      topicArn: input.EventDestination?.SnsDestination?.TopicArn,
    });
    this.save();
    return {};
  }

  hasConfigurationSet(name: string): boolean {
    return this.configurationSets.has(name);
  }

  private configurationSet(name: string): ConfigurationSet {
    const set = this.configurationSets.get(name);
    if (!set) throw new SesError('NotFoundException', 404, `Configuration set <${name}> does not exist.`);
    return set;
  }

  // ---- tenants (SES's per-customer reputation isolation) ------------------------------

  createTenant(input: { TenantName?: string; Tags?: { Key: string; Value: string }[] }) {
    const name = input.TenantName ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name))
      throw new SesError('BadRequestException', 400, 'Invalid TenantName.');
    if (this.tenants.has(name))
      throw new SesError('AlreadyExistsException', 400, `Tenant ${name} already exists.`);
    const id = `tn-${Math.random().toString(36).slice(2, 14)}`;
    const tenant: Tenant = {
      TenantName: name,
      TenantId: id,
      TenantArn: `arn:aws:ses:${this.options.region}:${this.options.accountId}:tenant/${name}/${id}`,
      CreatedTimestamp: Math.floor(Date.now() / 1000),
      SendingStatus: 'ENABLED',
      Tags: input.Tags ?? [],
      resources: [],
    };
    this.tenants.set(name, tenant);
    this.save();
    const { resources: _resources, ...shown } = tenant;
    return shown;
  }

  getTenant(input: { TenantName?: string }) {
    const { resources: _resources, ...shown } = this.tenant(input.TenantName);
    return { Tenant: shown };
  }

  listTenants() {
    return {
      Tenants: [...this.tenants.values()].map(({ TenantName, TenantId, TenantArn, CreatedTimestamp }) => ({
        TenantName,
        TenantId,
        TenantArn,
        CreatedTimestamp,
      })),
    };
  }

  deleteTenant(input: { TenantName?: string }) {
    this.tenant(input.TenantName);
    this.tenants.delete(input.TenantName ?? '');
    this.save();
    return {};
  }

  associateTenantResource(input: { TenantName?: string; ResourceArn?: string }) {
    const tenant = this.tenant(input.TenantName);
    if (!input.ResourceArn) throw new SesError('BadRequestException', 400, 'ResourceArn is required.');
    if (!tenant.resources.includes(input.ResourceArn)) tenant.resources.push(input.ResourceArn);
    this.save();
    return {};
  }

  disassociateTenantResource(input: { TenantName?: string; ResourceArn?: string }) {
    const tenant = this.tenant(input.TenantName);
    tenant.resources = tenant.resources.filter((arn) => arn !== input.ResourceArn);
    this.save();
    return {};
  }

  listTenantResources(input: { TenantName?: string }) {
    return {
      TenantResources: this.tenant(input.TenantName).resources.map((arn) => ({
        ResourceType: arn.includes(':configuration-set/') ? 'CONFIGURATION_SET' : 'EMAIL_IDENTITY',
        ResourceArn: arn,
      })),
    };
  }

  private tenant(name: string | undefined): Tenant {
    const tenant = this.tenants.get(name ?? '');
    if (!tenant) throw new SesError('NotFoundException', 404, `Tenant ${name} does not exist.`);
    return tenant;
  }

  // ---- account -----------------------------------------------------------------------

  getAccount() {
    return {
      DedicatedIpAutoWarmupEnabled: false,
      EnforcementStatus: 'HEALTHY',
      ProductionAccessEnabled: true,
      SendingEnabled: true,
      SendQuota: {
        Max24HourSend: this.quota.max24HourSend,
        MaxSendRate: this.quota.maxSendRate,
        SentLast24Hours: this.sentSince(Date.now() - 86_400_000),
      },
    };
  }

  /** Sends refused for the rate since the start (a paced sender should see none): a local-only reading. */
  throttledCount = 0;

  /** Local-only control: change the account's quota (for throttling tests). */
  setQuota(input: { MaxSendRate?: number; Max24HourSend?: number }) {
    this.quota = {
      maxSendRate: input.MaxSendRate ?? this.quota.maxSendRate,
      max24HourSend: input.Max24HourSend ?? this.quota.max24HourSend,
    };
    // A new quota starts with a full second's worth of sends.
    this.bucket = { tokens: this.quota.maxSendRate, at: Date.now() };
    this.save();
    return this.getAccount();
  }

  private sentSince(time: number): number {
    while (this.sendTimes.length > 0 && (this.sendTimes[0] ?? 0) < Date.now() - 86_400_000)
      this.sendTimes.shift();
    let count = 0;
    for (let i = this.sendTimes.length - 1; i >= 0 && (this.sendTimes[i] ?? 0) >= time; i -= 1) count += 1;
    return count;
  }

  /**
   * SES counts recipients, not messages, against its quotas. The rate is a token bucket
   * holding at most MaxSendRate sends and refilling MaxSendRate a second, so evenly
   * paced senders pass and bursts beyond a second's worth are throttled.
   */
  private admit(recipients: number) {
    const now = Date.now();
    if (this.sentSince(now - 86_400_000) + recipients > this.quota.max24HourSend) {
      throw new SesError('TooManyRequestsException', 429, 'Daily message quota exceeded.');
    }
    const rate = this.quota.maxSendRate;
    const elapsed = (now - this.bucket.at) / 1000;
    const tokens = Math.min(rate, this.bucket.tokens + elapsed * rate);
    // A little slack for clock and timer jitter between a paced sender and this check.
    if (tokens + 0.05 < Math.min(recipients, rate)) {
      this.bucket = { tokens, at: now };
      this.throttledCount += 1;
      throw new SesError('TooManyRequestsException', 429, 'Maximum sending rate exceeded.');
    }
    this.bucket = { tokens: tokens - Math.min(recipients, rate), at: now };
    for (let i = 0; i < recipients; i += 1) this.sendTimes.push(now);
  }

  // ---- sending -----------------------------------------------------------------------

  async sendEmail(input: SendInput) {
    const setName = input.ConfigurationSetName;
    if (setName !== undefined) this.configurationSet(setName);
    if (input.TenantName !== undefined) this.tenant(input.TenantName);
    let raw = await this.rawMessage(input);
    const parsed = await parseHead(raw);
    const from = input.FromEmailAddress ?? parsed.from;
    if (!from) throw new SesError('BadRequestException', 400, "Missing final '@domain'");
    const destination = this.destinationOf(input, parsed);
    const illegal = [from, ...destination].find((address) => !isSesAddress(addressOf(address)));
    if (illegal !== undefined) throw new SesError('BadRequestException', 400, `Illegal address: ${illegal}`);
    if (destination.length === 0)
      throw new SesError('BadRequestException', 400, 'At least one recipient is required.');
    if (destination.length > 50)
      throw new SesError('BadRequestException', 400, 'Recipient count exceeds 50.');
    const source = addressOf(from);
    if (this.options.requireVerifiedSender && !this.isVerifiedSender(source)) {
      throw new SesError(
        'MessageRejected',
        400,
        `Email address is not verified. The following identities failed the check in region ${this.options.region.toUpperCase()}: ${source}`,
      );
    }
    this.admit(destination.length);

    const now = new Date();
    const messageId = sesMessageId(now.getTime());
    const tracking = {
      opens: input.ConfigurationOverrides?.Tracking?.OpenTrackingEnabled === 'ENABLED',
      clicks: input.ConfigurationOverrides?.Tracking?.ClickTrackingEnabled === 'ENABLED',
    };
    let links: TrackedLink[] = [];
    if (setName && (tracking.opens || tracking.clicks)) {
      const base = `${this.trackingBaseUrl}/_track`;
      ({ raw, links } = await trackOffThread(
        raw,
        tracking,
        `${base}/click/${messageId}`,
        `${base}/open/${messageId}`,
      ));
    }
    const userTags = Object.fromEntries((input.EmailTags ?? []).map((tag) => [tag.Name, tag.Value]));
    const domain = source.slice(source.lastIndexOf('@') + 1);
    const captured: CapturedMail = {
      messageId,
      timestamp: now.toISOString(),
      from,
      destination,
      subject: parsed.subject ?? '',
      configurationSetName: setName,
      ...(input.TenantName ? { tenantName: input.TenantName } : {}),
      tags: userTags,
      events: [],
    };
    this.mail.push(captured);
    this.raw.set(messageId, raw);
    // The message's file first; then its record, its Send event and its outcome step are
    // saved together, so a crash never keeps a message whose events are lost.
    this.writeRaw(messageId);

    const sent: SentMail = {
      messageId,
      timestamp: captured.timestamp,
      source: from,
      sourceArn: `arn:aws:ses:${this.options.region}:${this.options.accountId}:identity/${domain}`,
      sendingAccountId: this.options.accountId,
      destination,
      headers: parsed.headerLines.map((line) => {
        const colon = line.indexOf(':');
        return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
      }),
      commonHeaders: {
        from: [from],
        to: parsed.to,
        messageId,
        subject: parsed.subject ?? '',
      },
      tags: {
        'ses:source-ip': ['127.0.0.1'],
        'ses:from-domain': [domain],
        'ses:caller-identity': ['mailroom-local'],
        ...(setName ? { 'ses:configuration-set': [setName] } : {}),
        ...Object.fromEntries(Object.entries(userTags).map(([name, value]) => [name, [value]])),
      },
    };
    if (setName && (tracking.opens || tracking.clicks))
      this.tracked.set(messageId, { messageId, setName, sent, links, opens: tracking.opens });
    if (setName) this.publishOutcomes(setName, captured, sent);
    else this.save();
    return { MessageId: messageId };
  }

  private async rawMessage(input: SendInput): Promise<Buffer> {
    const raw = input.Content?.Raw?.Data;
    if (raw !== undefined) return Buffer.from(raw, 'base64');
    if ((input.Content as { Template?: unknown } | undefined)?.Template !== undefined) {
      throw new SesError(
        'NotImplemented',
        501,
        'The local SES does not implement Content.Template (SES templates); send Simple or Raw content. Mailroom renders its own templates before sending.',
      );
    }
    const simple = input.Content?.Simple;
    if (!simple)
      throw new SesError('BadRequestException', 400, 'Content must contain Simple, Raw or Template.');
    const composer = new MailComposer({
      from: input.FromEmailAddress,
      to: input.Destination?.ToAddresses,
      cc: input.Destination?.CcAddresses,
      replyTo: input.ReplyToAddresses,
      subject: simple.Subject?.Data,
      html: simple.Body?.Html?.Data,
      text: simple.Body?.Text?.Data,
      headers: simple.Headers?.map(({ Name, Value }) => ({ key: Name, value: Value })),
    });
    return composer.compile().build();
  }

  private destinationOf(input: SendInput, parsed: MessageHead): string[] {
    const given = input.Destination;
    if (given)
      return [...(given.ToAddresses ?? []), ...(given.CcAddresses ?? []), ...(given.BccAddresses ?? [])];
    return parsed.recipients;
  }

  // ---- events ------------------------------------------------------------------------

  /** Send now; then, per recipient, what the mailbox simulator (or a real inbox) would do. */
  private publishOutcomes(setName: string, captured: CapturedMail, mail: SentMail) {
    this.emit(setName, captured, 'SEND', sendEvent(mail));
    this.schedule({ setName, mail, stage: 'outcome' });
  }

  /**
   * Runs an outcome step after the outcome delay. Steps not yet run are kept with the
   * state, so a crash of the local platform delays them instead of losing them.
   */
  private schedule(step: OutcomeStep) {
    this.steps.add(step);
    this.save();
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      this.steps.delete(step);
      this.runStep(step);
      this.save();
    }, this.options.outcomeDelayMs);
    this.pending.add(timer);
  }

  private runStep({ setName, mail, stage }: OutcomeStep) {
    const captured = this.getMail(mail.messageId);
    if (!captured) return;
    const at = new Date();
    const byOutcome = Object.groupBy(mail.destination, (recipient) => simulatedOutcome(recipient));
    const complaints = byOutcome.complaint ?? [];
    if (stage === 'complaint') {
      for (const recipient of complaints)
        this.emit(setName, captured, 'COMPLAINT', complaintEvent(mail, recipient, at));
      return;
    }
    const delivered = [...(byOutcome.delivered ?? []), ...(byOutcome.auto_reply ?? []), ...complaints];
    if (delivered.length > 0) this.emit(setName, captured, 'DELIVERY', deliveryEvent(mail, delivered, at));
    for (const recipient of byOutcome.bounce ?? [])
      this.emit(setName, captured, 'BOUNCE', bounceEvent(mail, recipient, at, 'General'));
    for (const recipient of byOutcome.suppression_list ?? [])
      this.emit(setName, captured, 'BOUNCE', bounceEvent(mail, recipient, at, 'OnAccountSuppressionList'));
    // Complaints follow the delivery, as they do from a real inbox.
    if (complaints.length > 0) this.schedule({ setName, mail, stage: 'complaint' });
  }

  /**
   * Publishes an event to the configuration set's destinations. Each notification waits
   * in the outbox (kept with the state) until SNS has taken it, and is published again
   * after a crash: at least once, as SES's own delivery to SNS is.
   */
  private emit(setName: string, captured: CapturedMail, type: string, event: object) {
    captured.events.push(type);
    const destinations = this.configurationSet(setName).eventDestinations.filter(
      (destination) =>
        destination.enabled && destination.topicArn && destination.matchingEventTypes.includes(type),
    );
    for (const destination of destinations) {
      this.publish({ topicArn: destination.topicArn ?? '', message: queueBody(event), type });
    }
  }

  private publish(notification: Notification) {
    this.outbox.add(notification);
    this.options.publish(notification.topicArn, notification.message).then(
      () => {
        this.outbox.delete(notification);
        this.saveSoon();
      },
      (error: unknown) => console.error(`local SES: could not publish ${notification.type} event`, error),
    );
  }

  // ---- tracking ----------------------------------------------------------------------

  /** Where the tracking image and redirects are served (this server's own address). */
  trackingBaseUrl = 'http://127.0.0.1';

  /** The open image was fetched: SES's Open event. False for a message sent without tracking. */
  open(messageId: string, userAgent: string, ipAddress: string): boolean {
    const tracked = this.tracked.get(messageId);
    const captured = this.getMail(messageId);
    if (!tracked?.opens || !captured) return false;
    this.emit(tracked.setName, captured, 'OPEN', openEvent(tracked.sent, new Date(), userAgent, ipAddress));
    this.save();
    return true;
  }

  /** A tracked link was followed: SES's Click event, and where to redirect. */
  click(messageId: string, index: number, userAgent: string, ipAddress: string): string | undefined {
    const tracked = this.tracked.get(messageId);
    const captured = this.getMail(messageId);
    const link = tracked?.links[index];
    if (!tracked || !captured || !link) return undefined;
    this.emit(
      tracked.setName,
      captured,
      'CLICK',
      clickEvent(tracked.sent, new Date(), link, userAgent, ipAddress),
    );
    this.save();
    return link.url;
  }

  // ---- captured mail -----------------------------------------------------------------

  listMail(): CapturedMail[] {
    return [...this.mail].reverse();
  }

  getMail(messageId: string): CapturedMail | undefined {
    return this.mail.find((mail) => mail.messageId === messageId);
  }

  rawMail(messageId: string): Buffer | undefined {
    return this.raw.get(messageId);
  }

  clearMail() {
    this.mail.length = 0;
    this.raw.clear();
    this.tracked.clear();
    this.save();
  }

  /** Stops pending event timers (on shutdown); steps and notifications not yet done stay saved. */
  close() {
    void stopMailWorker();
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.save();
  }

  /** After a restart: runs the outcome steps and publishes the notifications a crash interrupted. */
  resume() {
    const steps = [...this.steps];
    const outbox = [...this.outbox];
    this.steps.clear();
    this.outbox.clear();
    for (const notification of outbox) this.publish(notification);
    for (const step of steps) this.schedule(step);
  }

  // ---- persistence -------------------------------------------------------------------

  private load() {
    const dir = this.options.dataDir;
    if (!dir) return;
    mkdirSync(join(dir, 'mail'), { recursive: true });
    let state: PersistedState;
    try {
      state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as PersistedState;
    } catch {
      return;
    }
    for (const identity of state.identities) this.identities.set(identity.name, identity);
    for (const set of state.configurationSets) this.configurationSets.set(set.name, set);
    for (const tenant of state.tenants ?? []) this.tenants.set(tenant.TenantName, tenant);
    this.quota = state.quota;
    for (const step of state.steps ?? []) this.steps.add(step);
    for (const notification of state.outbox ?? []) this.outbox.add(notification);
    for (const tracked of state.tracked ?? []) this.tracked.set(tracked.messageId, tracked);
    for (const mail of state.mail) {
      try {
        this.raw.set(mail.messageId, readFileSync(join(dir, 'mail', `${mail.messageId}.eml`)));
        this.mail.push(mail);
      } catch {
        // A message whose file is gone is dropped from the index.
      }
    }
  }

  private writeRaw(messageId: string) {
    const dir = this.options.dataDir;
    if (dir) writeFileSync(join(dir, 'mail', `${messageId}.eml`), this.raw.get(messageId) ?? '');
  }

  private save() {
    const dir = this.options.dataDir;
    if (!dir) return;
    const state: PersistedState = {
      identities: [...this.identities.values()],
      configurationSets: [...this.configurationSets.values()],
      tenants: [...this.tenants.values()],
      mail: this.mail,
      quota: this.quota,
      steps: [...this.steps],
      outbox: [...this.outbox],
      tracked: [...this.tracked.values()],
    };
    // Written aside, then renamed: a crash mid-write leaves the previous state whole.
    writeFileSync(join(dir, 'state.json.tmp'), JSON.stringify(state));
    renameSync(join(dir, 'state.json.tmp'), join(dir, 'state.json'));
  }

  /** Saves within a moment, once for many changes (each publish answered). */
  private saveSoon() {
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 100);
  }
}
