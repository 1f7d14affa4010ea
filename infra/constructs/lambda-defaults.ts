import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { routePolicies } from '../../functions/api/route-of.ts';
import { routes } from '../../functions/routes.ts';

/** Memory of a function unless its route says otherwise (also what the cost benchmark bills). */
export const defaultMemoryMb = 256;

/**
 * How every Lambda is bundled by esbuild: one place, read by `MailroomFunction` for
 * `cdk deploy` and by `npm run bench` to measure the same bundles' size and cold start.
 */
export const lambdaBundling = {
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // Non-ASCII text (HTML entity tables, locale strings) as UTF-8, not as \uXXXX escapes
  // several times its size: Node reads modules as UTF-8.
  charset: 'utf8',
  // Some bundled CommonJS dependencies still call require().
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  // SDK parts a Mailroom function never runs, swapped for stand-ins that say so when called:
  // Lambda's credentials are always in the environment (the SDK's whole default chain is
  // not needed), no operation streams events, and DynamoDB's endpoint discovery is off.
  alias: {
    '@aws-sdk/credential-provider-node': join(import.meta.dirname, '../../shared/aws/lambda-credentials.ts'),
    '@smithy/core/event-streams': join(import.meta.dirname, '../../shared/aws/lambda-no-event-streams.ts'),
    '@aws-sdk/endpoint-cache': join(import.meta.dirname, '../../shared/aws/lambda-no-endpoint-cache.ts'),
  },
} as const;

/**
 * Constants esbuild writes into one entry's bundle: the policies of the routes that entry
 * serves (`routeOf` in `functions/api/route-of.ts`), so a function carries its own rows of
 * the route table instead of all of it. An entry that serves no route gets none.
 */
export function routeDefines(entry: string): Record<string, string> {
  const served = routes.filter((route) => route.entry === entry);
  if (served.length === 0) return {};
  return { MAILROOM_ROUTE_POLICIES: JSON.stringify(JSON.stringify(routePolicies(served))) };
}

/** The same settings as esbuild's own options, for building bundles outside CDK (the bench, the bundle test). */
export const esbuildOptions: BuildOptions = {
  bundle: true,
  platform: lambdaBundling.platform,
  format: lambdaBundling.format,
  target: lambdaBundling.target,
  minify: lambdaBundling.minify,
  sourcemap: lambdaBundling.sourcemap,
  mainFields: [...lambdaBundling.mainFields],
  charset: lambdaBundling.charset,
  banner: { js: lambdaBundling.banner },
  alias: lambdaBundling.alias,
};

/** esbuild's options for one entry, as `cdk deploy` bundles it: the shared settings and the entry's own constants. */
export function esbuildOptionsFor(entry: string): BuildOptions {
  return { ...esbuildOptions, entryPoints: [entry], define: routeDefines(entry) };
}
