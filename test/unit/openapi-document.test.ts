import { Mailroom } from '@mailroom/sdk';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { handler } from '#functions/api/openapi/get.ts';
import { routes } from '#functions/routes.ts';
import { apiEvent, lambdaContext } from './fixtures/api-event.ts';

/** What `GET <path>` answers, as API Gateway hands the request to the route's function. */
async function served(path: string) {
  const event = apiEvent({ method: 'GET', path });
  event.requestContext.domainName = 'localhost:3000';
  const result = await handler(event, lambdaContext());
  return { status: result.statusCode, headers: result.headers ?? {}, body: result.body ?? '' };
}

/** The SDK method an operation id names (`webhooks.deliveries.list` → `mailroom.webhooks.deliveries.list`). */
function methodOf(client: Mailroom, operationId: string): unknown {
  return operationId
    .split('.')
    .reduce<unknown>((at, name) => (at as Record<string, unknown>)?.[name], client);
}

describe('the OpenAPI document', () => {
  it('documents every route, generated from the request schemas, as JSON and the same as YAML', async () => {
    const json = await served('/api/v1/openapi.json');
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    // biome-ignore lint/suspicious/noExplicitAny: the document is read by path.
    const document = JSON.parse(json.body) as any;
    expect(document).toMatchObject({
      openapi: '3.1.0',
      info: { title: 'Mailroom API' },
      servers: [{ url: 'http://localhost:3000' }],
    });
    for (const route of routes.filter((r) => r.method !== 'ANY')) {
      expect(
        document.paths[route.path]?.[route.method.toLowerCase()],
        `${route.method} ${route.path}`,
      ).toBeDefined();
    }
    const send = document.paths['/api/v1/emails'].post;
    const body = send.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining([
        'from',
        'to',
        'cc',
        'bcc',
        'reply_to',
        'subject',
        'html',
        'text',
        'template_id',
        'attachments',
        'scheduled_at',
      ]),
    );
    expect(send.security).toEqual([{ bearer: [] }, { relayKey: [] }]);
    expect(send['x-mailroom-scope']).toBe('emails.send');
    expect(document.paths['/api/v1/emails'].get.parameters.map((p: { name: string }) => p.name)).toContain(
      'startingAfter',
    );

    const yaml = await served('/api/v1/openapi.yaml');
    expect(yaml.headers['content-type']).toContain('application/yaml');
    expect(parse(yaml.body)).toEqual(document);
  });

  it('names its server https beyond this machine', async () => {
    const event = apiEvent({ method: 'GET', path: '/api/v1/openapi.json' });
    event.requestContext.domainName = 'api.mailroom.example';
    const document = JSON.parse((await handler(event, lambdaContext())).body ?? '');
    expect(document.servers).toEqual([{ url: 'https://api.mailroom.example' }]);
  });

  it('has an SDK method for every one of its operations', async () => {
    const document = JSON.parse((await served('/api/v1/openapi.json')).body) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const operationIds = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods).map((operation) => operation.operationId),
    );
    expect(operationIds.length).toBeGreaterThan(60);
    const client = new Mailroom(`ak_test_${'0'.repeat(64)}`, { baseUrl: 'http://localhost:3000' });
    expect(operationIds.filter((id) => typeof methodOf(client, id) !== 'function')).toEqual([]);
  });
});
