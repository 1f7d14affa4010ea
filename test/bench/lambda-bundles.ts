import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { queues, scheduledJobs } from '#shared/resources.ts';
import { routes } from '../../functions/routes.ts';
import { defaultMemoryMb, esbuildOptions } from '../../infra/constructs/lambda-defaults.ts';

export interface LambdaFunction {
  /** `POST /api/v1/emails`, `consumer of mailroom-send`, …: the function's description in the stack. */
  name: string;
  entry: string;
  kind: 'api' | 'worker' | 'scheduled';
  memoryMb: number;
}

export interface LambdaBundle extends LambdaFunction {
  file: string;
  bytes: number;
}

/** What the API budget allows a bundle (minified, source map aside). */
export const apiBundleBudgetBytes = 300 * 1024;

/** Every function the stack deploys, as `infra/` declares them. */
export function lambdaFunctions(): LambdaFunction[] {
  return [
    ...routes.map((route) => ({
      name: `${route.method} ${route.path}`,
      entry: route.entry,
      kind: 'api' as const,
      memoryMb: route.memoryMb ?? defaultMemoryMb,
    })),
    ...Object.values(queues).map((queue) => ({
      name: `consumer of ${queue.name}`,
      entry: queue.consumer.entry,
      kind: 'worker' as const,
      memoryMb: 'memoryMb' in queue.consumer ? queue.consumer.memoryMb : defaultMemoryMb,
    })),
    ...Object.values(scheduledJobs).map((job) => ({
      name: `every ${job.rateMinutes} min: ${job.entry.split('/').pop()}`,
      entry: job.entry,
      kind: 'scheduled' as const,
      memoryMb: defaultMemoryMb,
    })),
  ];
}

/**
 * Bundles every entry with the stack's esbuild settings into `outDir` (one bundle per
 * entry; routes sharing an entry share a bundle) and returns the functions with their
 * bundle's size.
 */
export async function buildBundles(outDir: string): Promise<LambdaBundle[]> {
  await rm(outDir, { recursive: true, force: true });
  const built = new Map<string, { file: string; bytes: number }>();
  const bundles: LambdaBundle[] = [];
  for (const fn of lambdaFunctions()) {
    let bundle = built.get(fn.entry);
    if (!bundle) {
      const file = join(outDir, fn.entry.replace(/\.ts$/, ''), 'index.mjs');
      await mkdir(join(file, '..'), { recursive: true });
      await build({ ...esbuildOptions, entryPoints: [fn.entry], outfile: file, logLevel: 'error' });
      bundle = { file, bytes: (await stat(file)).size };
      built.set(fn.entry, bundle);
    }
    bundles.push({ ...fn, ...bundle });
  }
  return bundles;
}

export function printBundleSizes(bundles: LambdaBundle[]) {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0).padStart(5)} KB`;
  console.log('\nLambda bundles (esbuild, minified, as `cdk deploy` builds them; source maps aside)');
  for (const bundle of [...bundles].sort((a, b) => b.bytes - a.bytes)) {
    const over =
      bundle.kind === 'api' && bundle.bytes > apiBundleBudgetBytes ? '  over the 300 KB API budget' : '';
    console.log(`  ${kb(bundle.bytes)}  ${bundle.name}${over}`);
  }
  const api = bundles.filter((bundle) => bundle.kind === 'api');
  const within = api.filter((bundle) => bundle.bytes <= apiBundleBudgetBytes).length;
  console.log(`  ${within}/${api.length} API functions within 300 KB`);
}
