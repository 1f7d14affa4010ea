import { accountViewSchema } from '#shared/account/account-view-schema.ts';
import { assetViewSchema } from '#shared/assets/asset-view-schema.ts';
import { campaignStatuses } from '#shared/campaigns/campaign-lifecycle.ts';
import {
  campaignFieldsSchema,
  campaignSummarySchema,
  campaignViewSchema,
  createdCampaignSchema,
} from '#shared/campaigns/campaign-view-schema.ts';
import {
  contactViewSchema,
  createdContactSchema,
  createdListSchema,
  listSummarySchema,
  listViewSchema,
} from '#shared/contacts/contact-view-schema.ts';
import {
  createdDomainSchema,
  dnsRecordSchema,
  domainViewSchema,
} from '#shared/domains/domain-view-schema.ts';
import { emailStatuses } from '#shared/emails/email-lifecycle.ts';
import { emailEventViewSchema, emailViewSchema } from '#shared/emails/email-view-schema.ts';
import { type ErrorCode, statusByCode } from '#shared/errors.ts';
import { createdKeySchema, keyViewSchema } from '#shared/keys/key-view-schema.ts';
import { suppressionViewSchema } from '#shared/suppressions/suppression-view-schema.ts';
import { templateSummarySchema, templateViewSchema } from '#shared/templates/template-view-schema.ts';
import {
  createdWebhookSchema,
  deliveryViewSchema,
  webhookViewSchema,
} from '#shared/webhooks/webhook-view-schema.ts';
import * as z from '#shared/zod.ts';

/**
 * Every error answer's body, `{error, code}` (docs/api.md#errors); `code` is one of the
 * machine codes of `shared/errors.ts`.
 */
export const errorSchema = z.strictObject({
  error: z.string(),
  code: z.enum(Object.keys(statusByCode) as [ErrorCode, ...ErrorCode[]]),
  /** The request field a validation error is about. */
  field: z.optional(z.string()),
  /** The account's state when a reputation block refused the request. */
  accountStatus: z.optional(z.enum(['flagged', 'suspended', 'deactivated'])),
  /** The suppressed recipients, when every recipient was (`all_recipients_suppressed`). */
  suppressed: z.optional(z.array(z.string())),
});

/** The shapes the document names (`#/components/schemas/<name>`), so generated types can name them too. */
export const namedSchemas: Record<string, z.ZodMiniType> = {
  Error: errorSchema,
  Email: emailViewSchema,
  EmailEvent: emailEventViewSchema,
  Domain: domainViewSchema,
  DnsRecord: dnsRecordSchema,
  CreatedDomain: createdDomainSchema,
  ApiKey: keyViewSchema,
  CreatedApiKey: createdKeySchema,
  Suppression: suppressionViewSchema,
  Template: templateViewSchema,
  TemplateSummary: templateSummarySchema,
  Webhook: webhookViewSchema,
  CreatedWebhook: createdWebhookSchema,
  WebhookDelivery: deliveryViewSchema,
  Asset: assetViewSchema,
  Contact: contactViewSchema,
  CreatedContact: createdContactSchema,
  List: listViewSchema,
  ListSummary: listSummarySchema,
  CreatedList: createdListSchema,
  Account: accountViewSchema,
  Campaign: campaignViewSchema,
  CampaignFields: campaignFieldsSchema,
  CampaignSummary: campaignSummarySchema,
  CreatedCampaign: createdCampaignSchema,
};

const list = <T extends z.ZodMiniType>(item: T) => z.array(item);
const cursorPage = <T extends z.ZodMiniType>(item: T) =>
  z.strictObject({
    object: z.literal('list'),
    data: list(item),
    has_more: z.boolean(),
    next_cursor: z.nullable(z.string()),
  });
const deleted = z.strictObject({ id: z.string(), deleted: z.literal(true) });
const success = z.strictObject({ success: z.literal(true) });
const successData = <T extends z.ZodMiniType>(data: T) => z.strictObject({ success: z.literal(true), data });
const emailStatus = z.enum(emailStatuses);

const totals = {
  sent: z.number(),
  delivered: z.number(),
  bounced: z.number(),
  soft_bounced: z.number(),
  complained: z.number(),
  opened: z.number(),
  clicked: z.number(),
  delivery_rate: z.number(),
  bounce_rate: z.number(),
  complaint_rate: z.number(),
  open_rate: z.number(),
  click_rate: z.number(),
};

const accepted = z.strictObject({
  id: z.string(),
  success: z.literal(true),
  status: emailStatus,
  /** Recipients skipped because the project suppressed them. */
  suppressed: z.optional(z.array(z.string())),
});

const batchRow = z.strictObject({
  id: z.nullable(z.string()),
  /** The row's `to` as sent, for matching rows to answers. */
  to: z.nullable(z.union([z.string(), z.array(z.string())])),
  status: emailStatus,
  error: z.nullable(z.string()),
  code: z.optional(errorSchema.shape.code),
  suppressed: z.optional(z.array(z.string())),
});

/**
 * A documented operation: its name (the SDK method, `resource.method`), its success
 * body, and the text media types it answers in instead of JSON (the YAML document, the
 * unsubscribe page).
 */
export interface Operation {
  readonly name: string;
  readonly response: z.ZodMiniType;
  readonly textMedia?: readonly ('text/html' | 'application/yaml')[];
}

const op = (name: string, response: z.ZodMiniType, textMedia?: Operation['textMedia']): Operation => ({
  name,
  response,
  ...(textMedia ? { textMedia } : {}),
});

/** Every documented operation, by route key: what a 200 answer carries. */
export const operations: Record<string, Operation> = {
  'GET /health': op('health.get', z.strictObject({ status: z.literal('ok'), version: z.string() })),
  'GET /api/v1/openapi.json': op('openapi.json', z.looseObject({ openapi: z.string() })),
  'GET /api/v1/openapi.yaml': op('openapi.yaml', z.string(), ['application/yaml']),

  'POST /api/v1/emails': op('emails.send', accepted),
  'POST /api/v1/emails/batch': op(
    'batch.send',
    z.strictObject({
      object: z.literal('batch'),
      batch_id: z.string(),
      total: z.number(),
      sent: z.number(),
      failed: z.number(),
      data: list(batchRow),
    }),
  ),
  'GET /api/v1/emails': op(
    'emails.list',
    z.strictObject({
      emails: list(emailViewSchema),
      total: z.number(),
      has_more: z.boolean(),
      next_cursor: z.nullable(z.string()),
    }),
  ),
  'GET /api/v1/emails/{id}': op(
    'emails.get',
    z.strictObject({ email: emailViewSchema, events: list(emailEventViewSchema) }),
  ),
  'POST /api/v1/emails/{id}/cancel': op(
    'emails.cancel',
    z.strictObject({
      id: z.string(),
      object: z.literal('email'),
      status: z.literal('canceled'),
    }),
  ),

  'POST /api/v1/domains': op('domains.create', createdDomainSchema),
  'GET /api/v1/domains': op(
    'domains.list',
    z.strictObject({ object: z.literal('list'), data: list(domainViewSchema) }),
  ),
  'GET /api/v1/domains/{id}': op('domains.get', domainViewSchema),
  'PATCH /api/v1/domains/{id}': op('domains.update', domainViewSchema),
  'POST /api/v1/domains/{id}/verify': op(
    'domains.verify',
    z.strictObject({
      status: domainViewSchema.shape.status,
      domain: z.string(),
    }),
  ),
  'DELETE /api/v1/domains/{id}': op('domains.remove', deleted),

  'POST /api/v1/templates': op('templates.create', templateViewSchema),
  'GET /api/v1/templates': op('templates.list', z.strictObject({ templates: list(templateSummarySchema) })),
  'GET /api/v1/templates/{id}': op('templates.get', templateViewSchema),
  'PUT /api/v1/templates/{id}': op('templates.update', templateViewSchema),
  'DELETE /api/v1/templates/{id}': op('templates.remove', deleted),

  'GET /api/v1/suppressions': op('suppressions.list', cursorPage(suppressionViewSchema)),
  'POST /api/v1/suppressions': op(
    'suppressions.add',
    z.strictObject({
      object: z.literal('list'),
      added: z.number(),
      /** The addresses added, normalised. */
      data: list(z.string()),
    }),
  ),
  'DELETE /api/v1/suppressions/{email}': op(
    'suppressions.remove',
    z.strictObject({ email: z.string(), deleted: z.literal(true) }),
  ),

  'POST /api/v1/otp/send': op(
    'otp.send',
    z.strictObject({ ok: z.literal(true), expiresAt: z.string(), emailId: z.string() }),
  ),
  'POST /api/v1/otp/verify': op('otp.verify', z.strictObject({ ok: z.literal(true) })),

  'POST /api/v1/assets': op('assets.upload', assetViewSchema),
  'GET /api/v1/assets': op('assets.list', cursorPage(assetViewSchema)),
  'GET /api/v1/assets/{id}': op('assets.get', assetViewSchema),
  'DELETE /api/v1/assets/{id}': op(
    'assets.remove',
    z.strictObject({ object: z.literal('asset'), id: z.string(), deleted: z.literal(true) }),
  ),

  'POST /api/v1/lists': op('lists.create', createdListSchema),
  'GET /api/v1/lists': op('lists.list', successData(list(listSummarySchema))),
  'GET /api/v1/lists/{id}': op('lists.get', successData(listViewSchema)),
  'PUT /api/v1/lists/{id}': op('lists.update', successData(listViewSchema)),
  'DELETE /api/v1/lists/{id}': op('lists.remove', success),

  'POST /api/v1/contacts': op('contacts.create', createdContactSchema),
  'GET /api/v1/contacts': op(
    'contacts.list',
    z.strictObject({
      contacts: list(contactViewSchema),
      pagination: z.strictObject({
        total: z.number(),
        page: z.number(),
        pageSize: z.number(),
        /** Where the next page starts, for walking a large list without counting pages. */
        nextCursor: z.nullable(z.string()),
      }),
    }),
  ),
  'POST /api/v1/contacts/import': op(
    'contacts.import',
    z.strictObject({
      success: z.literal(true),
      importedCount: z.number(),
      skippedCount: z.number(),
      invalid: list(z.strictObject({ index: z.number(), error: z.string() })),
    }),
  ),
  'GET /api/v1/contacts/{id}': op('contacts.get', successData(contactViewSchema)),
  'PUT /api/v1/contacts/{id}': op('contacts.update', success),
  'DELETE /api/v1/contacts/{id}': op('contacts.remove', success),

  'POST /api/v1/campaigns': op('campaigns.create', createdCampaignSchema),
  'GET /api/v1/campaigns': op(
    'campaigns.list',
    z.strictObject({
      success: z.literal(true),
      data: list(campaignSummarySchema),
      pagination: z.strictObject({ total: z.number(), page: z.number(), pageSize: z.number() }),
    }),
  ),
  'GET /api/v1/campaigns/{id}': op('campaigns.get', successData(campaignViewSchema)),
  'PUT /api/v1/campaigns/{id}': op('campaigns.update', successData(campaignFieldsSchema)),
  'DELETE /api/v1/campaigns/{id}': op('campaigns.remove', deleted),
  'POST /api/v1/campaigns/{id}/launch': op(
    'campaigns.launch',
    z.strictObject({
      success: z.literal(true),
      jobId: z.string(),
      status: z.enum(campaignStatuses),
      scheduledAt: z.optional(z.string()),
    }),
  ),
  'POST /api/v1/campaigns/{id}/pause': op('campaigns.pause', successData(campaignFieldsSchema)),
  'POST /api/v1/campaigns/{id}/resume': op('campaigns.resume', successData(campaignFieldsSchema)),
  'POST /api/v1/campaigns/{id}/cancel': op('campaigns.cancel', successData(campaignFieldsSchema)),
  'POST /api/v1/campaigns/{id}/test': op(
    'campaigns.sendTest',
    successData(list(z.strictObject({ id: z.nullable(z.string()), to: z.string(), status: emailStatus }))),
  ),
  // The link answers the confirmation page, with a form to resubscribe.
  'GET /api/v1/unsubscribe': op('unsubscribe.follow', z.string(), ['text/html']),
  'POST /api/v1/unsubscribe': op('unsubscribe.confirm', z.strictObject({ ok: z.literal(true) })),

  'GET /api/v1/account': op('account.get', accountViewSchema),
  'GET /api/v1/stats': op(
    'stats.get',
    z.strictObject({
      contacts: z.number(),
      campaigns: z.strictObject({ total: z.number(), sending: z.number(), completed: z.number() }),
      emailsThisMonth: z.number(),
      domains: z.number(),
      bounceRate24h: z.number(),
      complaintRate24h: z.number(),
      bounceRate30d: z.number(),
      complaintRate30d: z.number(),
      accountStatus: z.enum(['active', 'flagged', 'suspended', 'deactivated']),
    }),
  ),
  'GET /api/v1/analytics/summary': op(
    'analytics.summary',
    z.strictObject({
      from: z.string(),
      to: z.string(),
      ...totals,
      days: list(z.strictObject({ date: z.string(), ...totals })),
    }),
  ),
  'GET /api/v1/analytics/bounces': op(
    'analytics.bounces',
    cursorPage(
      z.strictObject({
        email_id: z.string(),
        recipient: z.string(),
        type: z.string(),
        subtype: z.string(),
        category: z.enum(['hard', 'soft', 'undetermined']),
        diagnostic: z.nullable(z.string()),
        created_at: z.string(),
      }),
    ),
  ),

  'GET /api/v1/keys': op(
    'keys.list',
    z.strictObject({ object: z.literal('list'), data: list(keyViewSchema) }),
  ),
  'POST /api/v1/keys': op('keys.create', createdKeySchema),
  'DELETE /api/v1/keys/{id}': op(
    'keys.revoke',
    z.strictObject({
      id: z.string(),
      object: z.literal('api_key'),
      revoked: z.literal(true),
    }),
  ),

  'POST /api/v1/webhooks': op('webhooks.create', createdWebhookSchema),
  'GET /api/v1/webhooks': op(
    'webhooks.list',
    z.strictObject({ object: z.literal('list'), data: list(webhookViewSchema) }),
  ),
  'GET /api/v1/webhooks/{id}': op('webhooks.get', webhookViewSchema),
  'PATCH /api/v1/webhooks/{id}': op('webhooks.update', webhookViewSchema),
  'DELETE /api/v1/webhooks/{id}': op('webhooks.remove', deleted),
  'GET /api/v1/webhooks/{id}/deliveries': op(
    'webhooks.deliveries.list',
    z.strictObject({
      object: z.literal('list'),
      webhook_id: z.string(),
      has_more: z.boolean(),
      data: list(deliveryViewSchema),
    }),
  ),
  'POST /api/v1/webhooks/{id}/deliveries/replay': op(
    'webhooks.deliveries.replayFailed',
    z.strictObject({ webhook_id: z.string(), replayed: z.number() }),
  ),
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/replay': op(
    'webhooks.deliveries.replay',
    deliveryViewSchema,
  ),

  'GET /api/v1/smtp': op(
    'smtp.get',
    z.union([
      z.strictObject({ enabled: z.literal(false) }),
      z.strictObject({
        enabled: z.literal(true),
        host: z.string(),
        port: z.number(),
        ports: z.strictObject({ starttls: z.number(), implicit_tls: z.number() }),
        tls: z.string(),
        auth: z.strictObject({ methods: z.array(z.string()), username: z.string(), password: z.string() }),
        limits: z.strictObject({ max_message_bytes: z.number(), max_recipients: z.number() }),
      }),
    ]),
  ),
};
