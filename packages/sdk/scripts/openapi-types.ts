import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../../functions/api/openapi/document.ts';

/** Where the generated types live, beside the client that uses them. */
export const typesFile = new URL('../src/openapi.ts', import.meta.url);

/**
 * The SDK's types, generated from the API's own OpenAPI document (the one
 * `GET /api/v1/openapi.json` serves), so a change to a route's schemas shows up here.
 */
export async function generateTypes(): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: openapi-typescript takes its own document type.
  const ast = await openapiTS(openApiDocument('http://localhost:3000') as any, { alphabetize: false });
  return `/**\n * Generated from the Mailroom OpenAPI document by \`npm run generate -w @mailroom/sdk\`: do not edit.\n */\n\n${astToString(ast)}`;
}
