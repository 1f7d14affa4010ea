import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { routes } from '#functions/routes.ts';
import { apiUrl } from './support.ts';

it('publishes an OpenAPI 3.1 document of every route, generated from the request schemas, as JSON and YAML', async () => {
  const response = await fetch(`${apiUrl}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: the document is read by path.
  const document = (await response.json()) as any;
  expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Mailroom API' } });
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

  const yaml = await fetch(`${apiUrl}/api/v1/openapi.yaml`);
  expect(yaml.headers.get('content-type')).toContain('application/yaml');
  expect(parse(await yaml.text())).toEqual(document);
});
