import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { generateTypes, typesFile } from '../../packages/sdk/scripts/openapi-types.ts';

it("keeps the SDK's types generated from the current OpenAPI document", async () => {
  const committed = await readFile(typesFile, 'utf8');
  // When this fails, a route's schemas changed: run `npm run generate -w @mailroom/sdk`.
  expect(committed === (await generateTypes()), 'packages/sdk/src/openapi.ts is stale').toBe(true);
});
