import { type Route, routes } from '#functions/routes.ts';
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
import { statusByCode } from '#shared/errors.ts';
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
import { namedSchemas, operations } from './responses.ts';

// The unsubscribe endpoint's edges: the token in the link, or in a JSON body (the one-click form needs none);
// `confirm=1` marks the List-Unsubscribe header's address, which changes nothing on GET.
const unsubscribeQuery = z.object({ token: z.optional(z.string()), confirm: z.optional(z.string()) });
const unsubscribeBody = z.object({ token: z.string() });

/** The zod schemas of each route's body and query, by route key: the API's edges. */
interface Edges {
  body?: z.ZodMiniType;
  query?: z.ZodMiniObject;
  fileField?: string;
}

const schemas: Record<string, Edges> = {
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

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
const pascal = (name: string) =>
  name.replace(/(^|\.)(\w)/g, (_, _dot, letter: string) => letter.toUpperCase());

/** The name each operation's answer goes by in `components.schemas`: its view's name, or `<Operation>Response`. */
function responseNames(): Map<string, string> {
  const viewNames = new Map(Object.entries(namedSchemas).map(([name, schema]) => [schema, name]));
  return new Map(
    Object.values(operations).map((operation) => [
      operation.name,
      viewNames.get(operation.response) ?? `${pascal(operation.name)}Response`,
    ]),
  );
}

/**
 * The answers' shapes, converted once: the named views and each operation's body, with
 * nested views as references so a generated client gets one type per shape.
 */
function componentSchemas(names: Map<string, string>) {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(namedSchemas)) registry.add(schema, { id: name });
  for (const operation of Object.values(operations)) {
    const name = names.get(operation.name) ?? '';
    if (!(name in namedSchemas)) registry.add(operation.response, { id: name });
  }
  const converted = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
  }).schemas;
  return Object.fromEntries(
    Object.entries(converted).map(([name, { $schema: _schema, $id: _id, ...schema }]) => [name, schema]),
  );
}

const codesByStatus = new Map<number, string[]>();
for (const [code, status] of Object.entries(statusByCode))
  codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);

const errorTitles: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing, unknown or revoked key',
  402: "The account's monthly quota is used",
  403: 'Not allowed: scope, domain-limited key, test key, or the account is blocked',
  404: "Not found (also for another project's resource)",
  409: "Conflict with the resource's state, or an Idempotency-Key reused with another body",
  413: 'Body, attachment or asset over its limit',
  429: 'A rate-limit window is exceeded; retry after `Retry-After` seconds',
  500: 'Internal error; retrying an idempotent request is safe',
};

/** One shared answer per error status (`#/components/responses/Error<status>`), listing its codes. */
const errorResponses = Object.fromEntries(
  Object.entries(errorTitles).map(([status, title]) => [
    `Error${status}`,
    {
      description: `${title}. Codes: ${(codesByStatus.get(Number(status)) ?? []).join(', ')}.`,
      headers: {
        'X-Request-Id': headerRef('RequestId'),
        ...(status === '429' ? { 'Retry-After': headerRef('RetryAfter') } : {}),
      },
      content: { 'application/json': { schema: componentRef('Error') } },
    },
  ]),
);

/** The error statuses a route can answer, from what it is: keyed, with a body, an id, a send. */
function errorStatuses(route: Route, method: string, edges: Edges): number[] {
  const statuses = new Set<number>([500]);
  const mutates = method !== 'GET';
  if (route.scope !== 'public') for (const status of [401, 403, 429]) statuses.add(status);
  if (route.rateLimit !== 'none') statuses.add(429);
  if (edges.body || edges.query || edges.fileField || route.path.includes('{') || mutates) statuses.add(400);
  // An id in the path, the body or the query (a list, a template) may name nothing this project has.
  if (route.path.includes('{') || edges.body || edges.query) statuses.add(404);
  if (route.scope !== 'public' && mutates) statuses.add(409);
  if (edges.body || edges.fileField) statuses.add(413);
  if (route.capabilities.includes('sendQueue:send') || /\/campaigns\/\{id\}\/(launch|test)$/.test(route.path))
    statuses.add(402);
  return [...statuses].sort();
}

const rateHeaders = {
  'X-Request-Id': headerRef('RequestId'),
  'X-RateLimit-Limit': headerRef('RateLimitLimit'),
  'X-RateLimit-Remaining': headerRef('RateLimitRemaining'),
  'X-RateLimit-Reset': headerRef('RateLimitReset'),
};

const headers = {
  RequestId: { description: 'The request’s id, for support and logs.', schema: { type: 'string' } },
  RateLimitLimit: {
    description: 'Requests allowed in the tightest window that applies.',
    schema: { type: 'integer' },
  },
  RateLimitRemaining: { description: 'Requests left in that window.', schema: { type: 'integer' } },
  RateLimitReset: { description: 'When that window resets (Unix seconds).', schema: { type: 'integer' } },
  RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
};

function responsesOf(route: Route, method: string, key: string, edges: Edges, names: Map<string, string>) {
  const operation = operations[key];
  if (!operation) throw new Error(`${key} has no documented answer in responses.ts`);
  const keyed = route.scope !== 'public';
  const success = componentRef(names.get(operation.name) ?? '');
  const content: Record<string, unknown> = operation.textMedia
    ? {}
    : { 'application/json': { schema: success } };
  for (const alternative of operation.textMedia ?? []) content[alternative] = { schema: { type: 'string' } };
  const responses: Record<string, unknown> = {
    '200': { description: 'Success', ...(keyed ? { headers: rateHeaders } : {}), content },
  };
  for (const status of errorStatuses(route, method, edges))
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  return responses;
}

/**
 * The route table's REST operations: an ANY route serves GET and POST (the unsubscribe
 * link); the catch-all serves nothing, and `/mcp` speaks JSON-RPC (the MCP's own protocol).
 */
const documentedOperations = routes.flatMap((route) =>
  route.path === '/mcp'
    ? []
    : route.method !== 'ANY'
      ? [{ route, method: route.method, key: `${route.method} ${route.path}` }]
      : route.path.includes('{proxy+}')
        ? []
        : (['GET', 'POST'] as const).map((method) => ({ route, method, key: `${method} ${route.path}` })),
);

/** Everything but the server: the same for every request, so built once. */
let built: { paths: Record<string, Record<string, unknown>>; schemas: Record<string, unknown> } | undefined;
const documentBody = () => (built ??= buildDocumentBody());

function buildDocumentBody() {
  const names = responseNames();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { route, method, key } of documentedOperations) {
    const edges = schemas[key] ?? {};
    const operation = operations[key];
    const pathParameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    // A parameter is required when the query object's own schema says so (no default, not optional).
    const requiredQuery = new Set(
      (edges.query ? (jsonSchema(edges.query).required as string[]) : undefined) ?? [],
    );
    const queryParameters = Object.entries(edges.query?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: requiredQuery.has(name),
      schema: jsonSchema(schema as z.ZodMiniType),
    }));
    const keyed = route.scope !== 'public';
    const mutatesWithKey = keyed && ['POST', 'PUT', 'PATCH'].includes(method);
    const idempotencyParameter = {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes a retry safe: the same key with the same body within 24 hours answers the first response again; with another body, 409 idempotency_conflict.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[method.toLowerCase()] = {
      operationId: operation?.name ?? key,
      summary: key,
      tags: [(operation?.name ?? key).split('.')[0]],
      ...(keyed
        ? {
            security: [{ bearer: [] }, { relayKey: [] }],
            'x-mailroom-scope': route.scope,
            'x-mailroom-rate-limit': route.rateLimit,
          }
        : { security: [] }),
      parameters: [...pathParameters, ...queryParameters, ...(mutatesWithKey ? [idempotencyParameter] : [])],
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
              required: !key.endsWith('/launch'),
              content: { 'application/json': { schema: jsonSchema(edges.body) } },
            },
          }
        : {}),
      responses: responsesOf(route, method, key, edges, names),
    };
  }
  return { paths, schemas: componentSchemas(names) };
}

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that
 * validate requests and shape answers, so it cannot drift from what the API does.
 */
export function openApiDocument(serverUrl: string) {
  const { paths, schemas: componentsSchemas } = documentBody();
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
      headers,
      responses: errorResponses,
      schemas: componentsSchemas,
    },
    paths,
  };
}
