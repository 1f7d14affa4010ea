/**
 * What a Mailroom function may touch, named once. Every function (API route, queue
 * worker, scheduled job, the SMTP relay task) lists its capabilities beside its entry
 * (`functions/routes.ts`, `shared/resources.ts`); from that one list the CDK stack sets
 * the function's environment variables and its narrowest IAM grants
 * (`infra/constructs/capabilities.ts`), and the local runtime runs it with exactly that
 * environment and that synthesized policy. Code reads a capability's variables through
 * `capabilityEnv`, at first use, so importing a module never demands a variable.
 *
 * Pure data: no imports, safe to load from CDK and Lambda code. (`resources.ts` names
 * its resources' variables with these, checked by the type system.)
 */

export interface Capability {
  /** Environment variables the capability carries; the stack sets those that apply. */
  readonly variables: readonly string[];
  /** What it allows, in a few words (the capability table of docs/architecture.md). */
  readonly summary: string;
}

/** Environment variables carrying the operator's default account limits (stack settings). */
export const defaultLimitVariables = {
  perSecond: 'DEFAULT_SENDS_PER_SECOND',
  perMinute: 'DEFAULT_SENDS_PER_MINUTE',
  perHour: 'DEFAULT_SENDS_PER_HOUR',
  perDay: 'DEFAULT_SENDS_PER_DAY',
  monthlyQuota: 'DEFAULT_MONTHLY_QUOTA',
} as const;

/**
 * Variables of a function that sends through, or manages identities of, the configuration
 * set: the set, and those it gets when sending through SES tenants (the `sesTenants`
 * setting). A literal, not a spread, so the table stays free of effects a bundler must keep.
 */
const configurationSetVariables = ['SES_CONFIGURATION_SET', 'SES_TENANTS', 'SES_ARN_PREFIX'] as const;

export const capabilities = {
  'table:readWrite': {
    // CACHE_SECONDS: how long copies of items read from the table are trusted (the `cacheSeconds` setting).
    variables: ['TABLE_NAME', 'CACHE_SECONDS'],
    summary: 'item reads and writes on the table and its named indexes (no Scan)',
  },
  'sendQueue:send': { variables: ['SEND_QUEUE_URL'], summary: 'sends messages to the send queue' },
  'sendQueue:consume': {
    variables: ['SEND_QUEUE_URL'],
    summary: 'receives, deletes and re-times messages of the send queue',
  },
  'webhookQueue:send': {
    variables: ['WEBHOOK_QUEUE_URL'],
    summary: 'sends messages to the webhook queue',
  },
  'webhookQueue:consume': {
    variables: ['WEBHOOK_QUEUE_URL'],
    summary: 'receives, deletes and re-times messages of the webhook queue',
  },
  'slowWebhookQueue:send': {
    variables: ['SLOW_WEBHOOK_QUEUE_URL'],
    summary: 'sends messages to the slow lane of the webhook queue',
  },
  'slowWebhookQueue:consume': {
    variables: ['SLOW_WEBHOOK_QUEUE_URL'],
    summary: 'receives, deletes and re-times messages of the slow lane of the webhook queue',
  },
  'bulkQueue:send': {
    variables: ['BULK_QUEUE_URL'],
    summary: 'sends messages to the campaign (bulk) send queue',
  },
  'bulkQueue:consume': {
    variables: ['BULK_QUEUE_URL'],
    summary: 'receives, deletes and re-times messages of the bulk send queue',
  },
  'campaignQueue:send': {
    variables: ['CAMPAIGN_QUEUE_URL'],
    summary: 'sends messages (campaign runner ticks) to the campaign queue',
  },
  'campaignQueue:consume': {
    variables: ['CAMPAIGN_QUEUE_URL'],
    summary: 'receives and deletes messages of the campaign queue',
  },
  'sesEventsQueue:consume': {
    variables: [],
    summary: 'receives and deletes messages of the SES events queue',
  },
  'payloads:write': {
    variables: ['PAYLOAD_BUCKET'],
    summary: 'puts objects under payloads/ in the payload bucket',
  },
  'payloads:readWrite': {
    variables: ['PAYLOAD_BUCKET'],
    summary: 'gets and puts objects under payloads/ in the payload bucket',
  },
  'ses:send': {
    variables: configurationSetVariables,
    summary: 'sends through the configuration set (as the account’s tenant when tenants are on)',
  },
  'ses:identities': {
    variables: configurationSetVariables,
    summary: 'creates, reads, configures and deletes domain identities (and tenant associations)',
  },
  'ses:identityRead': { variables: [], summary: 'reads domain identities' },
  'ses:account': { variables: [], summary: 'reads the account’s sending quota (GetAccount)' },
  'sesEvents:receive': {
    variables: ['SES_EVENTS_TOPIC_ARN', 'VERIFY_SNS_SIGNATURES'],
    summary: 'knows the SES events topic, to check each notification’s origin and signature',
  },
  'assets:write': {
    variables: ['ASSETS_BUCKET', 'ASSETS_BASE_URL'],
    summary: 'puts and deletes objects under assets/ in the assets bucket',
  },
  'settings:assetsUrl': {
    variables: ['ASSETS_BASE_URL'],
    summary: 'the public address assets are served from',
  },
  'secrets:signingKeys': {
    variables: ['SIGNING_SECRET_ARN'],
    summary: 'reads the signing keys secret (OTP digests, unsubscribe links)',
  },
  'settings:accountLimits': {
    // Marked pure: a bundle that reads only a variable's name leaves the table out.
    variables: /* @__PURE__ */ Object.values(defaultLimitVariables),
    summary: 'the deployment’s default account limits',
  },
  'settings:keyLimits': {
    variables: ['KEY_SENDS_PER_MINUTE', 'KEY_BATCHES_PER_MINUTE'],
    summary: 'the deployment’s per-key sending limits',
  },
  'settings:emailRetention': {
    variables: ['EMAIL_RETENTION_DAYS'],
    summary: 'how long an email’s record is kept',
  },
  'settings:sandbox': {
    variables: ['SANDBOX_DOMAIN'],
    summary: 'the shared sandbox sender domain, when the deployment has one',
  },
  'settings:webhookDelivery': {
    variables: ['WEBHOOK_ALLOW_LOOPBACK', 'WEBHOOK_RETRY_SCHEDULE', 'WEBHOOK_DEACTIVATE_AFTER'],
    summary: 'the webhook address policy and retry schedule',
  },
  'settings:reputation': {
    variables: ['REPUTATION_MINIMUM_SENDS'],
    summary: 'the volume before an account’s reputation is judged',
  },
  'settings:campaignPacing': {
    variables: ['BULK_SEND_SHARE', 'CAMPAIGN_LOOKAHEAD_SECONDS'],
    summary: 'the share of the SES rate campaigns may use, and how far ahead they queue',
  },
  'settings:smtpEndpoint': {
    variables: ['SMTP_HOST', 'SMTP_PORT_STARTTLS', 'SMTP_PORT_TLS'],
    summary: 'where the SMTP relay answers, when it runs',
  },
} as const satisfies Record<string, Capability>;

export type CapabilityName = keyof typeof capabilities;

/** The variables of one capability, by name (what `capabilityEnv` may read). */
export type CapabilityVariable<C extends CapabilityName> = (typeof capabilities)[C]['variables'][number];

/** Every variable the given capabilities carry. */
export function variablesOf(names: readonly CapabilityName[]): Set<string> {
  return new Set(names.flatMap((name) => capabilities[name].variables));
}
