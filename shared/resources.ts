/**
 * The one description of Mailroom's storage and messaging resources. The CDK stack
 * builds them from here and the local runtime creates the same ones on its stand-ins,
 * so names, keys, batch sizes and redrive settings cannot drift between the two.
 *
 * Pure data: no imports but types, safe to load from CDK code and from Lambda code alike.
 */
import type { CapabilityName, CapabilityVariable } from './capabilities.ts';

/** The single DynamoDB table; access patterns are written down in each `*-store.ts`. */
export const table = {
  name: 'mailroom',
  /** Environment variable that carries the table's physical name to functions. */
  envVar: 'TABLE_NAME' satisfies CapabilityVariable<'table:readWrite'>,
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalIndexes: [
    /** Per-owner listings: a project's emails, keys, domains. */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Sparse work lists across projects, such as the domains still pending verification. */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

/** How a queue's messages reach a worker function (a Lambda SQS event source on AWS). */
export interface QueueConsumer {
  /** Handler entry, relative to the repository root; exports `handler`. */
  readonly entry: string;
  readonly batchSize: number;
  /** How long the event source may wait to fill a batch (fewer, fuller invocations); 0 for none. */
  readonly batchingWindowSeconds: number;
  /** Upper bound on concurrent invocations (SQS event source maximum concurrency, ≥ 2). */
  readonly maxConcurrency: number;
  readonly timeoutSeconds: number;
  /** Memory for the function, when the house default (256 MB) is not right. */
  readonly memoryMb?: number;
  /** What the worker touches (`shared/capabilities.ts`), its own queue's consume capability included. */
  readonly capabilities: readonly CapabilityName[];
}

export interface QueueDefinition {
  readonly name: string;
  readonly envVar: string;
  /** Six times the consumer's timeout, as AWS recommends for Lambda event sources. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the queue's dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly consumer: QueueConsumer;
}

export const queues = {
  /** Accepted emails waiting for the sender (one message per email). */
  send: {
    name: 'mailroom-send',
    envVar: 'SEND_QUEUE_URL' satisfies CapabilityVariable<'sendQueue:send' | 'sendQueue:consume'>,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: {
      entry: 'functions/workers/sender.ts',
      batchSize: 10,
      // Up to a second for a batch to fill: one send-rate reservation, one poll and one
      // invocation serve ten emails instead of two or three (the batch's sends still go
      // out at once; a lone email waits at most this second).
      batchingWindowSeconds: 1,
      // 20 invocations of 10 sends each keep up with well over 1,000 emails a second;
      // SES's own MaxSendRate, shared through the send-rate counter, is the real limit.
      maxConcurrency: 20,
      timeoutSeconds: 30,
      // A 40 MB message is held a few times over while it is decoded and sent.
      memoryMb: 512,
      // Held mail (an account that is not active) parks its payload in the bucket; an
      // email deferred for want of SES capacity goes back on the queue as a new message.
      capabilities: [
        'sendQueue:consume',
        'sendQueue:send',
        'table:readWrite',
        'payloads:readWrite',
        'ses:send',
        'ses:account',
        'webhookQueue:send',
      ],
    },
  },
  /**
   * Campaign emails waiting for the bulk sender: the sender's code, drawing on the same
   * per-second SES budget but only up to the campaign share of it, so the send queue
   * (transactional mail) never waits behind a campaign. The campaign runner keeps only
   * a few minutes of sending here.
   */
  bulkSend: {
    name: 'mailroom-bulk-send',
    envVar: 'BULK_QUEUE_URL' satisfies CapabilityVariable<'bulkQueue:send' | 'bulkQueue:consume'>,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: {
      entry: 'functions/workers/bulk-sender.ts',
      batchSize: 10,
      batchingWindowSeconds: 1,
      maxConcurrency: 10,
      timeoutSeconds: 30,
      capabilities: [
        'bulkQueue:consume',
        'bulkQueue:send',
        'table:readWrite',
        'payloads:readWrite',
        'ses:send',
        'ses:account',
        'webhookQueue:send',
        'secrets:signingKeys',
        'settings:campaignPacing',
      ],
    },
  },
  /** One message per campaign tick: the runner expands the next recipients of a sending campaign. */
  campaigns: {
    name: 'mailroom-campaigns',
    envVar: 'CAMPAIGN_QUEUE_URL' satisfies CapabilityVariable<'campaignQueue:send' | 'campaignQueue:consume'>,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    consumer: {
      entry: 'functions/workers/campaign-runner.ts',
      batchSize: 1,
      batchingWindowSeconds: 0,
      maxConcurrency: 5,
      timeoutSeconds: 60,
      capabilities: [
        'campaignQueue:consume',
        'table:readWrite',
        'bulkQueue:send',
        'webhookQueue:send',
        'ses:account',
        'settings:campaignPacing',
        'settings:accountLimits',
        'settings:emailRetention',
      ],
    },
  },
  /** SES configuration-set events, delivered by the SNS topic below. */
  sesEvents: {
    name: 'mailroom-ses-events',
    envVar: 'SES_EVENTS_QUEUE_URL',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    consumer: {
      entry: 'functions/workers/ses-events.ts',
      // Up to 100 events a batch, gathered for up to a second: the batch's daily counters,
      // reputation buckets and webhook messages are written once (a batch above 10 needs
      // a batching window).
      batchSize: 100,
      batchingWindowSeconds: 1,
      maxConcurrency: 20,
      timeoutSeconds: 30,
      capabilities: [
        'sesEventsQueue:consume',
        'table:readWrite',
        'sesEvents:receive',
        'webhookQueue:send',
        'settings:reputation',
      ],
    },
  },
  /** One message per (event, webhook): the webhook worker's deliveries and their retries. */
  webhooks: {
    name: 'mailroom-webhooks',
    envVar: 'WEBHOOK_QUEUE_URL' satisfies CapabilityVariable<'webhookQueue:send' | 'webhookQueue:consume'>,
    visibilityTimeoutSeconds: 180,
    // Retries are paced by the worker (visibility per attempt); the DLQ is the backstop.
    maxReceiveCount: 12,
    consumer: {
      entry: 'functions/workers/webhooks.ts',
      batchSize: 10,
      batchingWindowSeconds: 1,
      // Receivers are other people's servers: many lanes, so slow ones leave room for the rest.
      maxConcurrency: 20,
      timeoutSeconds: 30,
      capabilities: [
        'webhookQueue:consume',
        'slowWebhookQueue:send',
        'table:readWrite',
        'settings:webhookDelivery',
      ],
    },
  },
  /**
   * The slow lane: deliveries to receivers that answer, but slowly. Its few workers are
   * all slow receivers ever hold, so a backlog for them never delays other webhooks.
   */
  slowWebhooks: {
    name: 'mailroom-webhooks-slow',
    envVar: 'SLOW_WEBHOOK_QUEUE_URL' satisfies CapabilityVariable<
      'slowWebhookQueue:send' | 'slowWebhookQueue:consume'
    >,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 12,
    consumer: {
      entry: 'functions/workers/slow-webhooks.ts',
      batchSize: 10,
      batchingWindowSeconds: 1,
      // Lambda's least: two invocations of ten deliveries each.
      maxConcurrency: 2,
      timeoutSeconds: 30,
      capabilities: ['slowWebhookQueue:consume', 'table:readWrite', 'settings:webhookDelivery'],
    },
  },
} as const satisfies Record<string, QueueDefinition>;

export type QueueKey = keyof typeof queues;

/** Name of a queue's dead-letter queue. */
export function deadLetterQueueName(queue: QueueDefinition): string {
  return `${queue.name}-dlq`;
}

/** DLQs keep failed messages for the SQS maximum, 14 days, so nothing is lost unseen. */
export const deadLetterRetentionSeconds = 14 * 24 * 60 * 60;

/** SES publishes configuration-set events here; the topic fans out to the events queue. */
export const sesEventsTopic = {
  name: 'mailroom-ses-events',
  /** The topic's ARN, which the events worker checks every notification against. */
  envVar: 'SES_EVENTS_TOPIC_ARN' satisfies CapabilityVariable<'sesEvents:receive'>,
  subscribedQueues: ['sesEvents'] satisfies QueueKey[],
} as const;

/** Every email is sent through this configuration set, whose events feed the topic. */
export const configurationSet = {
  name: 'mailroom',
  envVar: 'SES_CONFIGURATION_SET' satisfies CapabilityVariable<'ses:send' | 'ses:identities'>,
  eventDestinationName: 'mailroom-sns',
  /**
   * SES v2 event type names (`EventType` in the API). Not `SEND`: the sender records
   * SES's acceptance itself, from the SendEmail answer, which halves the events' traffic.
   */
  eventTypes: [
    'REJECT',
    'BOUNCE',
    'COMPLAINT',
    'DELIVERY',
    'DELIVERY_DELAY',
    'RENDERING_FAILURE',
    'SUBSCRIPTION',
    'OPEN',
    'CLICK',
  ],
} as const;

/**
 * Email payloads too large for a queue message, or scheduled past SQS's 15-minute
 * delay, wait here; the bucket's lifecycle rule deletes them after `expireAfterDays`.
 */
export const payloadBucket = {
  name: 'mailroom-payloads',
  envVar: 'PAYLOAD_BUCKET' satisfies CapabilityVariable<'payloads:write' | 'payloads:readWrite'>,
  /** Every object's key starts with this, so grants can name the prefix. */
  keyPrefix: 'payloads/',
  expireAfterDays: 35,
} as const;

/**
 * Files uploaded through `POST /api/v1/assets`, served at permanent public URLs: on AWS
 * from this private bucket through the stack's CloudFront distribution (origin access
 * control), locally by the local API. Every response carries `responseHeaders`: no type
 * sniffing, and a sandbox that gives a file no origin to run script in; only images,
 * video and audio are shown inline, everything else (PDF, SVG, HTML, documents)
 * downloads (`Content-Disposition: attachment`, set per object).
 */
export const assetStore = {
  name: 'mailroom-assets',
  envVar: 'ASSETS_BUCKET' satisfies CapabilityVariable<'assets:write'>,
  urlEnvVar: 'ASSETS_BASE_URL' satisfies CapabilityVariable<'assets:write' | 'settings:assetsUrl'>,
  /** Every object's key starts with this, which is also the URL path. */
  keyPrefix: 'assets/',
  maxBytes: 2 * 1024 * 1024,
  /** How long browsers and the CDN may keep a copy: a deleted asset may be served that long. */
  cacheSeconds: 86_400,
  responseHeaders: {
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox",
    'referrer-policy': 'no-referrer',
  },
} as const;

/**
 * The keys that sign what Mailroom hands out and checks later (the digests of OTP codes,
 * unsubscribe links): a Secrets Manager secret `{"current":"k1","k1":"…"}` the stack
 * generates. Each signature names its key, so a new key can become `current` while
 * the old ones still verify what they signed.
 */
export const signingSecret = {
  envVar: 'SIGNING_SECRET_ARN' satisfies CapabilityVariable<'secrets:signingKeys'>,
  firstKeyId: 'k1',
  keyLength: 64,
} as const;

/** A job run on a schedule: an EventBridge rule on AWS, a timer in the local runtime. */
export interface ScheduledJob {
  readonly entry: string;
  readonly rateMinutes: number;
  readonly timeoutSeconds: number;
  readonly capabilities: readonly CapabilityName[];
}

export const scheduledJobs = {
  /** Asks SES about every domain still pending verification and records its verdict. */
  domainVerification: {
    entry: 'functions/workers/domain-verifier.ts',
    rateMinutes: 5,
    timeoutSeconds: 60,
    capabilities: ['table:readWrite', 'ses:identityRead'],
  },
  /** Hands emails scheduled more than 15 minutes ahead to the send queue as their time nears. */
  scheduledRelease: {
    entry: 'functions/workers/scheduled-release.ts',
    rateMinutes: 1,
    timeoutSeconds: 60,
    capabilities: ['table:readWrite', 'sendQueue:send'],
  },
  /** Ticks every scheduled or sending campaign, so each goes on (or starts) even if a tick was lost. */
  campaignTicks: {
    entry: 'functions/workers/campaign-ticks.ts',
    rateMinutes: 1,
    timeoutSeconds: 60,
    capabilities: ['table:readWrite', 'campaignQueue:send'],
  },
  /** Deletes the contacts of deleted lists, a bounded share each run, then the lists themselves. */
  listPurge: {
    entry: 'functions/workers/list-purge.ts',
    rateMinutes: 5,
    timeoutSeconds: 60,
    capabilities: ['table:readWrite'],
  },
  /** Fails the emails a crash left recorded but never queued, once no message of theirs can still come. */
  lostEmails: {
    entry: 'functions/workers/lost-emails.ts',
    rateMinutes: 60,
    timeoutSeconds: 300,
    capabilities: ['table:readWrite', 'webhookQueue:send'],
  },
} as const satisfies Record<string, ScheduledJob>;

/**
 * The SMTP relay's task (ECS Fargate): the same accept path as `POST /api/v1/emails`,
 * with the same capabilities; its TLS certificate and host name are its own settings.
 */
export const smtpRelayTask = {
  entry: 'functions/smtp/main.ts',
  capabilities: [
    'table:readWrite',
    'sendQueue:send',
    'payloads:write',
    'webhookQueue:send',
    'settings:accountLimits',
    'settings:keyLimits',
    'settings:emailRetention',
    'settings:sandbox',
  ],
} as const satisfies { entry: string; capabilities: readonly CapabilityName[] };

/**
 * The operator's shared sandbox sender, so a new project can send before it verifies a domain: when set,
 * every project may send from this domain, at most `dailyLimit` emails a day each.
 */
export const sandboxSender = {
  envVar: 'SANDBOX_DOMAIN' satisfies CapabilityVariable<'settings:sandbox'>,
  dailyLimit: 100,
} as const;
