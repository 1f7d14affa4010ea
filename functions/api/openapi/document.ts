import { routes } from '#functions/routes.ts';
import { listAssetsSchema } from '#shared/assets/asset-schema.ts';
import {
  createCampaignSchema,
  launchCampaignSchema,
  listCampaignsSchema,
  testCampaignSchema,
  updateCampaignSchema,
} from '#shared/campaigns/campaign-schema.ts';
import {
  createContactSchema,
  importContactsDocumentation,
  listContactsSchema,
  listSchema,
  updateContactSchema,
} from '#shared/contacts/contact-schema.ts';
import { createDomainSchema, updateDomainSchema } from '#shared/domains/domain-schema.ts';
import { listEmailsSchema } from '#shared/emails/list-emails-schema.ts';
import { batchDocumentation, sendEmailSchema } from '#shared/emails/send-email-schema.ts';
import { createKeySchema } from '#shared/keys/key-schema.ts';
import { sendOtpSchema, verifyOtpSchema } from '#shared/otp/otp-schema.ts';
import { bouncesQuerySchema, summaryQuerySchema } from '#shared/stats/analytics-schema.ts';
import { addSuppressionsSchema, listSuppressionsSchema } from '#shared/suppressions/suppression-schema.ts';
import { createTemplateSchema, updateTemplateSchema } from '#shared/templates/template-schema.ts';
import { version } from '#shared/version.ts';
import {
  createWebhookSchema,
  deliveriesQuerySchema,
  replaySinceSchema,
  updateWebhookSchema,
} from '#shared/webhooks/webhook-schema.ts';
import * as z from '#shared/zod.ts';

// The unsubscribe endpoint's edges: the token in the link, or in a JSON body (the one-click form needs none).
const unsubscribeQuery = z.object({ token: z.optional(z.string()) });
const unsubscribeBody = z.object({ token: z.string() });

/** The zod schemas of each route's body and query, by route key: the API's edges. */
const schemas: Record<string, { body?: z.ZodMiniType; query?: z.ZodMiniObject; fileField?: string }> = {
  'POST /api/v1/assets': { fileField: 'file' },
  'POST /api/v1/emails': { body: sendEmailSchema },
  'POST /api/v1/emails/batch': { body: batchDocumentation },
  'GET /api/v1/emails': { query: listEmailsSchema },
  'POST /api/v1/domains': { body: createDomainSchema },
  'PATCH /api/v1/domains/{id}': { body: updateDomainSchema },
  'POST /api/v1/keys': { body: createKeySchema },
  'POST /api/v1/templates': { body: createTemplateSchema },
  'PUT /api/v1/templates/{id}': { body: updateTemplateSchema },
  'POST /api/v1/suppressions': { body: addSuppressionsSchema },
  'GET /api/v1/assets': { query: listAssetsSchema },
  'POST /api/v1/otp/send': { body: sendOtpSchema },
  'POST /api/v1/otp/verify': { body: verifyOtpSchema },
  'POST /api/v1/lists': { body: listSchema },
  'PUT /api/v1/lists/{id}': { body: listSchema },
  'POST /api/v1/contacts': { body: createContactSchema },
  'GET /api/v1/contacts': { query: listContactsSchema },
  'PUT /api/v1/contacts/{id}': { body: updateContactSchema },
  'POST /api/v1/contacts/import': { body: importContactsDocumentation },
  'POST /api/v1/campaigns': { body: createCampaignSchema },
  'GET /api/v1/campaigns': { query: listCampaignsSchema },
  'PUT /api/v1/campaigns/{id}': { body: updateCampaignSchema },
  'POST /api/v1/campaigns/{id}/launch': { body: launchCampaignSchema },
  'POST /api/v1/campaigns/{id}/test': { body: testCampaignSchema },
  'GET /api/v1/unsubscribe': { query: unsubscribeQuery },
  'POST /api/v1/unsubscribe': { body: unsubscribeBody, query: unsubscribeQuery },
  'GET /api/v1/suppressions': { query: listSuppressionsSchema },
  'GET /api/v1/analytics/summary': { query: summaryQuerySchema },
  'GET /api/v1/analytics/bounces': { query: bouncesQuerySchema },
  'POST /api/v1/webhooks': { body: createWebhookSchema },
  'PATCH /api/v1/webhooks/{id}': { body: updateWebhookSchema },
  'GET /api/v1/webhooks/{id}/deliveries': { query: deliveriesQuerySchema },
  'POST /api/v1/webhooks/{id}/deliveries/replay': { body: replaySinceSchema },
};

/** JSON Schema of what a client sends (before transforms), as OpenAPI 3.1 takes it. */
const jsonSchema = (schema: z.ZodMiniType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });

const errorSchema = {
  type: 'object',
  required: ['error', 'code'],
  properties: {
    error: { type: 'string' },
    code: { type: 'string' },
    field: { type: 'string' },
    accountStatus: { type: 'string', enum: ['flagged', 'suspended', 'deactivated'] },
  },
};

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests, so it cannot drift from what the API accepts.
 */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  // An ANY route serves GET and POST (the unsubscribe link); the catch-all serves nothing.
  const operations = routes.flatMap((route) =>
    route.method !== 'ANY'
      ? [{ ...route }]
      : route.path.includes('{proxy+}')
        ? []
        : (['GET', 'POST'] as const).map((method) => ({ ...route, method })),
  );
  for (const route of operations) {
    const key = `${route.method} ${route.path}`;
    const edges = schemas[key] ?? {};
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParameters = Object.entries(edges.query?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: false,
      schema: jsonSchema(schema as z.ZodMiniType),
    }));
    const keyed = route.scope !== 'public';
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, ''),
      summary: key,
      ...(keyed
        ? {
            security: [{ bearer: [] }, { relayKey: [] }],
            'x-mailroom-scope': route.scope,
            'x-mailroom-rate-limit': route.rateLimit,
          }
        : { security: [] }),
      parameters: [...pathParameters, ...queryParameters],
      ...(edges.fileField
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    required: [edges.fileField],
                    properties: { [edges.fileField]: { type: 'string', format: 'binary' } },
                  },
                },
              },
            },
          }
        : {}),
      ...(edges.body
        ? {
            requestBody: {
              required: route.method !== 'POST' || !key.endsWith('/launch'),
              content: { 'application/json': { schema: jsonSchema(edges.body) } },
            },
          }
        : {}),
      responses: {
        '200': { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
        default: {
          description: 'Error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mailroom API',
      version,
      description:
        'Self-hosted email on Amazon SES v2: REST and SMTP. Errors are {"error","code"} JSON. ' +
        'Sizes: a REST request body is at most 10 MB (API Gateway refuses larger ones with 413 before Mailroom sees them), ' +
        'so an email sent over REST carries about 7.5 MB of base64 attachments; over SMTP a message may be 40 MB.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key, ak_live_… or ak_test_…' },
        relayKey: { type: 'apiKey', in: 'header', name: 'X-Relay-Key' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
