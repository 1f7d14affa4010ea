/**
 * The one route table. The CDK stack makes one Lambda and one HTTP API route per row,
 * and the local runtime serves the same rows, so the two cannot disagree.
 *
 * Pure data: imports nothing, so CDK code can read it without loading handler code.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/**
 * Rate-limit classes of the AutoRelay table, counted per API key in a sliding window;
 * the numbers live in `shared/limits/rate-limit-classes.ts`.
 */
export type RateLimitClass =
  | 'none'
  | 'api'
  | 'send'
  | 'batch'
  | 'read'
  | 'write'
  | 'stats'
  | 'domain_create'
  | 'key_create'
  | 'webhook_create';

/**
 * What a route's function reaches besides the table (which every keyed route reads and
 * writes: keys, rate-limit counters, idempotency records). The stack turns each into an
 * environment variable plus the narrowest IAM grant, so a function touches only what its
 * route lists.
 */
export type RouteResource = 'sendQueue' | 'payloads' | 'sesIdentities' | 'webhookQueue';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{id}` for one segment, `{proxy+}` for the rest. */
  readonly path: string;
  /** Handler entry relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** The scope a key needs, `any` for every valid key, or `public` for routes without a key. */
  readonly scope: string;
  readonly rateLimit: RateLimitClass;
  readonly uses: readonly RouteResource[];
  /** Memory for the function, when the house default (256 MB) is not right. */
  readonly memoryMb?: number;
}

export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    entry: 'functions/api/openapi/get.ts',
    scope: 'public',
    rateLimit: 'none',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.yaml',
    entry: 'functions/api/openapi/get.ts',
    scope: 'public',
    rateLimit: 'none',
    uses: [],
  },
  {
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health/get.ts',
    scope: 'public',
    rateLimit: 'none',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/emails',
    entry: 'functions/api/emails/send.ts',
    scope: 'emails.send',
    rateLimit: 'send',
    uses: ['sendQueue', 'payloads', 'webhookQueue'],
  },
  {
    method: 'POST',
    path: '/api/v1/emails/batch',
    entry: 'functions/api/emails/batch.ts',
    scope: 'emails.batch',
    rateLimit: 'batch',
    uses: ['sendQueue', 'payloads', 'webhookQueue'],
  },
  {
    method: 'GET',
    path: '/api/v1/emails',
    entry: 'functions/api/emails/list.ts',
    scope: 'emails.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/emails/{id}/cancel',
    entry: 'functions/api/emails/cancel.ts',
    scope: 'emails.send',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/emails/{id}',
    entry: 'functions/api/emails/get.ts',
    scope: 'emails.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/domains',
    entry: 'functions/api/domains/create.ts',
    scope: 'domains.write',
    rateLimit: 'domain_create',
    uses: ['sesIdentities'],
  },
  {
    method: 'GET',
    path: '/api/v1/domains',
    entry: 'functions/api/domains/list.ts',
    scope: 'domains.read',
    rateLimit: 'api',
    uses: [],
  },
  // `{id}` takes a domain id or a domain name; reading asks SES for each record's status.
  {
    method: 'GET',
    path: '/api/v1/domains/{id}',
    entry: 'functions/api/domains/get.ts',
    scope: 'domains.read',
    rateLimit: 'api',
    uses: ['sesIdentities'],
  },
  {
    method: 'POST',
    path: '/api/v1/domains/{id}/verify',
    entry: 'functions/api/domains/verify.ts',
    scope: 'domains.write',
    rateLimit: 'api',
    uses: ['sesIdentities'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/domains/{id}',
    entry: 'functions/api/domains/delete.ts',
    scope: 'domains.write',
    rateLimit: 'api',
    uses: ['sesIdentities'],
  },
  {
    method: 'POST',
    path: '/api/v1/templates',
    entry: 'functions/api/templates/create.ts',
    scope: 'templates.write',
    rateLimit: 'write',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/templates',
    entry: 'functions/api/templates/list.ts',
    scope: 'templates.read',
    rateLimit: 'read',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/templates/{id}',
    entry: 'functions/api/templates/get.ts',
    scope: 'templates.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'PUT',
    path: '/api/v1/templates/{id}',
    entry: 'functions/api/templates/update.ts',
    scope: 'templates.write',
    rateLimit: 'write',
    uses: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/templates/{id}',
    entry: 'functions/api/templates/delete.ts',
    scope: 'templates.write',
    rateLimit: 'write',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/suppressions',
    entry: 'functions/api/suppressions/list.ts',
    scope: 'suppressions.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/suppressions',
    entry: 'functions/api/suppressions/add.ts',
    scope: 'suppressions.write',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/suppressions/{email}',
    entry: 'functions/api/suppressions/delete.ts',
    scope: 'suppressions.write',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/stats',
    entry: 'functions/api/stats/get.ts',
    scope: 'stats.read',
    rateLimit: 'stats',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/analytics/summary',
    entry: 'functions/api/analytics/summary.ts',
    scope: 'stats.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/analytics/bounces',
    entry: 'functions/api/analytics/bounces.ts',
    scope: 'stats.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/keys',
    entry: 'functions/api/keys/list.ts',
    scope: 'keys.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/keys',
    entry: 'functions/api/keys/create.ts',
    scope: 'keys.write',
    rateLimit: 'key_create',
    uses: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/keys/{id}',
    entry: 'functions/api/keys/revoke.ts',
    scope: 'keys.write',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks',
    entry: 'functions/api/webhooks/create.ts',
    scope: 'webhooks.write',
    rateLimit: 'webhook_create',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks',
    entry: 'functions/api/webhooks/list.ts',
    scope: 'webhooks.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}',
    entry: 'functions/api/webhooks/get.ts',
    scope: 'webhooks.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'PATCH',
    path: '/api/v1/webhooks/{id}',
    entry: 'functions/api/webhooks/update.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/webhooks/{id}',
    entry: 'functions/api/webhooks/delete.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}/deliveries',
    entry: 'functions/api/webhooks/deliveries.ts',
    scope: 'webhooks.read',
    rateLimit: 'api',
    uses: [],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/deliveries/replay',
    entry: 'functions/api/webhooks/replay-since.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    uses: ['webhookQueue'],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    entry: 'functions/api/webhooks/replay.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    uses: ['webhookQueue'],
  },
  {
    method: 'GET',
    path: '/api/v1/smtp',
    entry: 'functions/api/smtp/get.ts',
    scope: 'any',
    rateLimit: 'api',
    uses: [],
  },
  // Anything unmatched gets the contract's JSON 404 instead of API Gateway's own body.
  {
    method: 'ANY',
    path: '/{proxy+}',
    entry: 'functions/api/not-found.ts',
    scope: 'public',
    rateLimit: 'none',
    uses: [],
  },
];
