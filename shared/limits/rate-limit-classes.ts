/** A limit on how many requests fit in a window. */
export interface WindowLimit {
  limit: number;
  windowSeconds: number;
}

/**
 * The rate-limit table, per API key and route class, as enforced and published in docs/api.md (sliding
 * windows): single send 100/min, batch 10/min, the listed reads (template list) 60/min,
 * writes 30/min, stats 30/min, adding a domain 10/hour, registering a webhook 20/hour;
 * contacts: listing and reading one 60/min each, creating, updating and deleting 30/min
 * each, importing 5/hour; lists: listing 60/min, creating 20/hour; OTP: sending 20/hour
 * per key and 5/hour per recipient, verifying 10/min; assets: uploading 30/min, listing
 * 60/min; campaigns: listing and reading 60/min, creating 20/hour, updating and deleting
 * 30/min, launching 5/hour; unsubscribing 60/min per IP. Creating keys, not in the table,
 * follows its creation rows, 20/hour. Routes the table does not list share a generous
 * `api` window, so every keyed response still reports one. The two sending classes'
 * figures are defaults: the stack settings `keySendsPerMinute` and `keyBatchesPerMinute`
 * replace them (see `consumeKeyRate`).
 */
export const rateLimitClasses: Record<string, WindowLimit | undefined> = {
  api: { limit: 1000, windowSeconds: 60 },
  send: { limit: 100, windowSeconds: 60 },
  batch: { limit: 10, windowSeconds: 60 },
  read: { limit: 60, windowSeconds: 60 },
  write: { limit: 30, windowSeconds: 60 },
  stats: { limit: 30, windowSeconds: 60 },
  domain_create: { limit: 10, windowSeconds: 3600 },
  key_create: { limit: 20, windowSeconds: 3600 },
  webhook_create: { limit: 20, windowSeconds: 3600 },
  contacts_list: { limit: 60, windowSeconds: 60 },
  contact_read: { limit: 60, windowSeconds: 60 },
  contact_create: { limit: 30, windowSeconds: 60 },
  contact_update: { limit: 30, windowSeconds: 60 },
  contact_delete: { limit: 30, windowSeconds: 60 },
  contacts_import: { limit: 5, windowSeconds: 3600 },
  lists_read: { limit: 60, windowSeconds: 60 },
  list_create: { limit: 20, windowSeconds: 3600 },
  otp_send: { limit: 20, windowSeconds: 3600 },
  /** Counted per recipient address of a project, not per key (`sendOtp`). */
  otp_recipient: { limit: 5, windowSeconds: 3600 },
  otp_verify: { limit: 10, windowSeconds: 60 },
  asset_upload: { limit: 30, windowSeconds: 60 },
  assets_list: { limit: 60, windowSeconds: 60 },
  campaigns_list: { limit: 60, windowSeconds: 60 },
  campaign_read: { limit: 60, windowSeconds: 60 },
  campaign_create: { limit: 20, windowSeconds: 3600 },
  campaign_update: { limit: 30, windowSeconds: 60 },
  campaign_delete: { limit: 30, windowSeconds: 60 },
  campaign_launch: { limit: 5, windowSeconds: 3600 },
  /** Counted per client IP address: the public unsubscribe endpoint has no key. */
  unsubscribe: { limit: 60, windowSeconds: 60 },
  none: undefined,
};
