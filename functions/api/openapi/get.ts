import { stringify } from 'yaml';
import { publicHandler } from '#shared/http/public-handler.ts';
import { openApiDocument } from './document.ts';

/** `GET /api/v1/openapi.json` and `.yaml`: the OpenAPI 3.1 document, no key needed. */
export const handler = publicHandler(async (event) => {
  const host = event.requestContext.domainName;
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host) ? 'http' : 'https';
  const document = openApiDocument(`${scheme}://${host}`);
  if (!event.rawPath.endsWith('.yaml')) return { body: document };
  return { raw: stringify(document), headers: { 'content-type': 'application/yaml' } };
});
