import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

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
  // Some bundled CommonJS dependencies still call require().
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  // Lambda's credentials are always in the environment: the SDK's whole default chain is not needed.
  alias: {
    '@aws-sdk/credential-provider-node': join(import.meta.dirname, '../../shared/aws/lambda-credentials.ts'),
  },
} as const;

/** The same settings as esbuild's own options, for building bundles outside CDK (the bench, the bundle test). */
export const esbuildOptions: BuildOptions = {
  bundle: true,
  platform: lambdaBundling.platform,
  format: lambdaBundling.format,
  target: lambdaBundling.target,
  minify: lambdaBundling.minify,
  sourcemap: lambdaBundling.sourcemap,
  mainFields: [...lambdaBundling.mainFields],
  banner: { js: lambdaBundling.banner },
  alias: lambdaBundling.alias,
};
