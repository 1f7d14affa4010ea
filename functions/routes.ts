/**
 * The one route table. The CDK stack makes one Lambda and one HTTP API route per row,
 * and the local runtime serves the same rows, so the two cannot disagree.
 *
 * Pure data: imports nothing but types, so CDK code can read it without loading handler code.
 */
import type { TestKeyAccess } from '#shared/admission/test-keys.ts';
import type { CapabilityName } from '#shared/capabilities.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/**
 * Rate-limit classes (the per-key table in docs/api.md#rate-limits-and-quotas), counted
 * per API key in a sliding window; the numbers live in `shared/limits/rate-limit-classes.ts`.
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
  | 'webhook_create'
  | 'contacts_list'
  | 'contact_read'
  | 'contact_create'
  | 'contact_update'
  | 'contact_delete'
  | 'contacts_import'
  | 'lists_read'
  | 'list_create'
  | 'otp_send'
  | 'otp_verify'
  | 'asset_upload'
  | 'assets_list'
  | 'campaigns_list'
  | 'campaign_read'
  | 'campaign_create'
  | 'campaign_update'
  | 'campaign_delete'
  | 'campaign_launch'
  | 'unsubscribe';

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `{id}` for one segment, `{proxy+}` for the rest. */
  readonly path: string;
  /** Handler entry relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /** The scope a key needs, `any` for every valid key, or `public` for routes without a key. */
  readonly scope: string;
  readonly rateLimit: RateLimitClass;
  /**
   * What a test key may do here besides reading (see `TestKeyAccess`); without it, a
   * route reached by any method but GET is refused to test keys.
   */
  readonly testKeys?: TestKeyAccess;
  /**
   * What the route's function reaches besides the table, which every keyed route reads
   * and writes (keys, rate-limit counters, idempotency records): see `routeCapabilities`.
   */
  readonly capabilities: readonly CapabilityName[];
  /** Memory for the function, when the house default (256 MB) is not right. */
  readonly memoryMb?: number;
  /** Timeout, when the house default (10 s) is too short; API Gateway waits 29 s at most. */
  readonly timeoutSeconds?: number;
}

/** What every path that accepts mail needs: the queue, big payloads, webhook events, account and key limits, retention, the sandbox domain. */
const acceptsMail: readonly CapabilityName[] = [
  'sendQueue:send',
  'payloads:write',
  'webhookQueue:send',
  'settings:accountLimits',
  'settings:keyLimits',
  'settings:emailRetention',
  'settings:sandbox',
];

/**
 * Every row. Literals only, or calls marked pure (no spreads): a Lambda bundle carries
 * only its own rows (`routeOf`), and esbuild can leave this table out only when building
 * it has no effect it must keep.
 */
export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    entry: 'functions/api/openapi/get.ts',
    scope: 'public',
    rateLimit: 'none',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.yaml',
    entry: 'functions/api/openapi/get.ts',
    scope: 'public',
    rateLimit: 'none',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/health',
    entry: 'functions/api/health/get.ts',
    scope: 'public',
    rateLimit: 'none',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/emails',
    entry: 'functions/api/emails/send.ts',
    scope: 'emails.send',
    rateLimit: 'send',
    testKeys: 'sends',
    capabilities: acceptsMail,
  },
  {
    method: 'POST',
    path: '/api/v1/emails/batch',
    entry: 'functions/api/emails/batch.ts',
    scope: 'emails.batch',
    rateLimit: 'batch',
    testKeys: 'sends',
    capabilities: acceptsMail,
  },
  {
    method: 'GET',
    path: '/api/v1/emails',
    entry: 'functions/api/emails/list.ts',
    scope: 'emails.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/emails/{id}/cancel',
    entry: 'functions/api/emails/cancel.ts',
    scope: 'emails.send',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/emails/{id}',
    entry: 'functions/api/emails/get.ts',
    scope: 'emails.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/domains',
    entry: 'functions/api/domains/create.ts',
    scope: 'domains.write',
    rateLimit: 'domain_create',
    capabilities: ['ses:identities', 'settings:sandbox'],
  },
  {
    method: 'GET',
    path: '/api/v1/domains',
    entry: 'functions/api/domains/list.ts',
    scope: 'domains.read',
    rateLimit: 'api',
    capabilities: [],
  },
  // `{id}` takes a domain id or a domain name; reading asks SES for each record's status.
  {
    method: 'GET',
    path: '/api/v1/domains/{id}',
    entry: 'functions/api/domains/get.ts',
    scope: 'domains.read',
    rateLimit: 'api',
    capabilities: ['ses:identities'],
  },
  {
    method: 'PATCH',
    path: '/api/v1/domains/{id}',
    entry: 'functions/api/domains/update.ts',
    scope: 'domains.write',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/domains/{id}/verify',
    entry: 'functions/api/domains/verify.ts',
    scope: 'domains.write',
    rateLimit: 'api',
    capabilities: ['ses:identities'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/domains/{id}',
    entry: 'functions/api/domains/delete.ts',
    scope: 'domains.write',
    rateLimit: 'api',
    capabilities: ['ses:identities'],
  },
  {
    method: 'POST',
    path: '/api/v1/templates',
    entry: 'functions/api/templates/create.ts',
    scope: 'templates.write',
    rateLimit: 'write',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/templates',
    entry: 'functions/api/templates/list.ts',
    scope: 'templates.read',
    rateLimit: 'read',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/templates/{id}',
    entry: 'functions/api/templates/get.ts',
    scope: 'templates.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'PUT',
    path: '/api/v1/templates/{id}',
    entry: 'functions/api/templates/update.ts',
    scope: 'templates.write',
    rateLimit: 'write',
    capabilities: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/templates/{id}',
    entry: 'functions/api/templates/delete.ts',
    scope: 'templates.write',
    rateLimit: 'write',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/suppressions',
    entry: 'functions/api/suppressions/list.ts',
    scope: 'suppressions.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/suppressions',
    entry: 'functions/api/suppressions/add.ts',
    scope: 'suppressions.write',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/suppressions/{email}',
    entry: 'functions/api/suppressions/delete.ts',
    scope: 'suppressions.write',
    rateLimit: 'api',
    capabilities: [],
  },
  // OTP mail goes out on the send path, with the send path's capabilities.
  {
    method: 'POST',
    path: '/api/v1/otp/send',
    entry: 'functions/api/otp/send.ts',
    scope: 'emails.send',
    rateLimit: 'otp_send',
    testKeys: 'sends',
    capabilities: /* @__PURE__ */ acceptsMail.concat('secrets:signingKeys'),
  },
  // A verified `subscribe` code adds a contact, which is a `contact.created` event.
  {
    method: 'POST',
    path: '/api/v1/otp/verify',
    entry: 'functions/api/otp/verify.ts',
    scope: 'emails.send',
    rateLimit: 'otp_verify',
    testKeys: 'own-resources',
    capabilities: ['secrets:signingKeys', 'webhookQueue:send'],
  },
  // A 2 MB file arrives base64-encoded in the event; more memory is more CPU to decode and type it.
  {
    method: 'POST',
    path: '/api/v1/assets',
    entry: 'functions/api/assets/upload.ts',
    scope: 'assets.write',
    rateLimit: 'asset_upload',
    capabilities: ['assets:write'],
    memoryMb: 512,
  },
  {
    method: 'GET',
    path: '/api/v1/assets',
    entry: 'functions/api/assets/list.ts',
    scope: 'assets.read',
    rateLimit: 'assets_list',
    capabilities: ['settings:assetsUrl'],
  },
  {
    method: 'GET',
    path: '/api/v1/assets/{id}',
    entry: 'functions/api/assets/get.ts',
    scope: 'assets.read',
    rateLimit: 'api',
    capabilities: ['settings:assetsUrl'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/assets/{id}',
    entry: 'functions/api/assets/delete.ts',
    scope: 'assets.write',
    rateLimit: 'api',
    capabilities: ['assets:write'],
  },
  {
    method: 'POST',
    path: '/api/v1/lists',
    entry: 'functions/api/lists/create.ts',
    scope: 'contacts.write',
    rateLimit: 'list_create',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/lists',
    entry: 'functions/api/lists/list.ts',
    scope: 'contacts.read',
    rateLimit: 'lists_read',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/lists/{id}',
    entry: 'functions/api/lists/get.ts',
    scope: 'contacts.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'PUT',
    path: '/api/v1/lists/{id}',
    entry: 'functions/api/lists/update.ts',
    scope: 'contacts.write',
    rateLimit: 'api',
    capabilities: [],
  },
  // The list goes at once; its contacts are purged in the background (`listPurge`).
  {
    method: 'DELETE',
    path: '/api/v1/lists/{id}',
    entry: 'functions/api/lists/delete.ts',
    scope: 'contacts.write',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/contacts',
    entry: 'functions/api/contacts/create.ts',
    scope: 'contacts.write',
    rateLimit: 'contact_create',
    capabilities: ['webhookQueue:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/contacts',
    entry: 'functions/api/contacts/list.ts',
    scope: 'contacts.read',
    rateLimit: 'contacts_list',
    capabilities: [],
  },
  // Up to 10,000 rows in one request: more memory is more CPU for parsing and checking them.
  {
    method: 'POST',
    path: '/api/v1/contacts/import',
    entry: 'functions/api/contacts/import.ts',
    scope: 'contacts.write',
    rateLimit: 'contacts_import',
    capabilities: [],
    memoryMb: 1024,
    timeoutSeconds: 28,
  },
  {
    method: 'GET',
    path: '/api/v1/contacts/{id}',
    entry: 'functions/api/contacts/get.ts',
    scope: 'contacts.read',
    rateLimit: 'contact_read',
    capabilities: [],
  },
  {
    method: 'PUT',
    path: '/api/v1/contacts/{id}',
    entry: 'functions/api/contacts/update.ts',
    scope: 'contacts.write',
    rateLimit: 'contact_update',
    capabilities: ['webhookQueue:send'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/contacts/{id}',
    entry: 'functions/api/contacts/delete.ts',
    scope: 'contacts.write',
    rateLimit: 'contact_delete',
    capabilities: ['webhookQueue:send'],
  },
  // The routes that check a campaign's sender (create, edit, launch) know the shared
  // sandbox domain, which campaigns may send from as single sends may.
  {
    method: 'POST',
    path: '/api/v1/campaigns',
    entry: 'functions/api/campaigns/create.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_create',
    testKeys: 'own-resources',
    capabilities: ['settings:sandbox'],
  },
  {
    method: 'GET',
    path: '/api/v1/campaigns',
    entry: 'functions/api/campaigns/list.ts',
    scope: 'campaigns.read',
    rateLimit: 'campaigns_list',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/campaigns/{id}',
    entry: 'functions/api/campaigns/get.ts',
    scope: 'campaigns.read',
    rateLimit: 'campaign_read',
    capabilities: [],
  },
  {
    method: 'PUT',
    path: '/api/v1/campaigns/{id}',
    entry: 'functions/api/campaigns/update.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_update',
    testKeys: 'own-resources',
    capabilities: ['settings:sandbox'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/campaigns/{id}',
    entry: 'functions/api/campaigns/delete.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_delete',
    testKeys: 'own-resources',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/launch',
    entry: 'functions/api/campaigns/launch.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_launch',
    testKeys: 'own-resources',
    capabilities: ['campaignQueue:send', 'webhookQueue:send', 'settings:sandbox'],
  },
  // Pausing, resuming and cancelling count as updates of the campaign.
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/pause',
    entry: 'functions/api/campaigns/pause.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_update',
    testKeys: 'own-resources',
    capabilities: ['webhookQueue:send'],
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/resume',
    entry: 'functions/api/campaigns/resume.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_update',
    testKeys: 'own-resources',
    capabilities: ['campaignQueue:send', 'webhookQueue:send'],
  },
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/cancel',
    entry: 'functions/api/campaigns/cancel.ts',
    scope: 'campaigns.write',
    rateLimit: 'campaign_update',
    testKeys: 'own-resources',
    capabilities: ['campaignQueue:send'],
  },
  // A test send is mail like any other: the send path's capabilities, and its window.
  {
    method: 'POST',
    path: '/api/v1/campaigns/{id}/test',
    entry: 'functions/api/campaigns/test.ts',
    scope: 'campaigns.write',
    rateLimit: 'send',
    testKeys: 'sends',
    capabilities: /* @__PURE__ */ acceptsMail.concat('secrets:signingKeys'),
  },
  // Public: the signed token in the link is the credential; GET and POST share one function.
  {
    method: 'ANY',
    path: '/api/v1/unsubscribe',
    entry: 'functions/api/unsubscribe/handle.ts',
    scope: 'public',
    rateLimit: 'unsubscribe',
    capabilities: ['table:readWrite', 'secrets:signingKeys', 'webhookQueue:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/account',
    entry: 'functions/api/account/get.ts',
    scope: 'any',
    rateLimit: 'api',
    capabilities: ['settings:accountLimits'],
  },
  {
    // The MCP server for agents, over stateless streamable HTTP: its tools call this API with the caller's key.
    method: 'ANY',
    path: '/mcp',
    entry: 'functions/api/mcp/handle.ts',
    scope: 'any',
    rateLimit: 'api',
    testKeys: 'per-call',
    capabilities: [],
    memoryMb: 512,
    timeoutSeconds: 28,
  },
  {
    method: 'GET',
    path: '/api/v1/stats',
    entry: 'functions/api/stats/get.ts',
    scope: 'stats.read',
    rateLimit: 'stats',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/analytics/summary',
    entry: 'functions/api/analytics/summary.ts',
    scope: 'stats.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/analytics/bounces',
    entry: 'functions/api/analytics/bounces.ts',
    scope: 'stats.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/keys',
    entry: 'functions/api/keys/list.ts',
    scope: 'keys.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/keys',
    entry: 'functions/api/keys/create.ts',
    scope: 'keys.write',
    rateLimit: 'key_create',
    capabilities: [],
  },
  {
    method: 'DELETE',
    path: '/api/v1/keys/{id}',
    entry: 'functions/api/keys/revoke.ts',
    scope: 'keys.write',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks',
    entry: 'functions/api/webhooks/create.ts',
    scope: 'webhooks.write',
    rateLimit: 'webhook_create',
    capabilities: ['settings:webhookDelivery'],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks',
    entry: 'functions/api/webhooks/list.ts',
    scope: 'webhooks.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}',
    entry: 'functions/api/webhooks/get.ts',
    scope: 'webhooks.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'PATCH',
    path: '/api/v1/webhooks/{id}',
    entry: 'functions/api/webhooks/update.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    capabilities: ['settings:webhookDelivery'],
  },
  {
    method: 'DELETE',
    path: '/api/v1/webhooks/{id}',
    entry: 'functions/api/webhooks/delete.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'GET',
    path: '/api/v1/webhooks/{id}/deliveries',
    entry: 'functions/api/webhooks/deliveries.ts',
    scope: 'webhooks.read',
    rateLimit: 'api',
    capabilities: [],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/deliveries/replay',
    entry: 'functions/api/webhooks/replay-since.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    capabilities: ['webhookQueue:send'],
  },
  {
    method: 'POST',
    path: '/api/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
    entry: 'functions/api/webhooks/replay.ts',
    scope: 'webhooks.write',
    rateLimit: 'api',
    capabilities: ['webhookQueue:send'],
  },
  {
    method: 'GET',
    path: '/api/v1/smtp',
    entry: 'functions/api/smtp/get.ts',
    scope: 'any',
    rateLimit: 'api',
    capabilities: ['settings:smtpEndpoint'],
  },
  // Anything unmatched gets the JSON 404 every other error has, instead of API Gateway's own body.
  {
    method: 'ANY',
    path: '/{proxy+}',
    entry: 'functions/api/not-found.ts',
    scope: 'public',
    rateLimit: 'none',
    capabilities: [],
  },
];

/** Everything a route's function may touch: the table for every keyed route, then its row's own list. */
export function routeCapabilities(route: Route): readonly CapabilityName[] {
  return route.scope === 'public' ? route.capabilities : ['table:readWrite', ...route.capabilities];
}

/** `POST /api/v1/emails`: how the stack and the local runtime name a route's function. */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
