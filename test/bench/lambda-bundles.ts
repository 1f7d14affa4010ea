import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { queues, scheduledJobs } from '#shared/resources.ts';
import { routes } from '../../functions/routes.ts';
import { defaultMemoryMb, esbuildOptionsFor } from '../../infra/constructs/lambda-defaults.ts';

export interface LambdaFunction {
  /** `POST /api/v1/emails`, `consumer of mailroom-send`, …: the function's description in the stack. */
  name: string;
  entry: string;
  /** `baseline`: the bench's yardstick (`baseline-function.ts`), not deployed. */
  kind: 'api' | 'worker' | 'scheduled' | 'baseline';
  memoryMb: number;
}

export interface LambdaBundle extends LambdaFunction {
  file: string;
  bytes: number;
}

/** What the API budget allows a bundle (minified, source map aside). */
export const apiBundleBudgetBytes = 300 * 1024;

/** What the budget allows a queue worker's or scheduled job's bundle: they start less often and may carry more. */
export const workerBundleBudgetBytes = 500 * 1024;

/** A bundle's budget, by the kind of function it is (the baseline has none). */
export function bundleBudgetBytes(kind: LambdaFunction['kind']): number {
  if (kind === 'api') return apiBundleBudgetBytes;
  if (kind === 'baseline') return Number.POSITIVE_INFINITY;
  return workerBundleBudgetBytes;
}

/** The yardstick cold starts are compared to: one GetItem and one SendMessage, bundled like the rest. */
export const baselineFunction: LambdaFunction = {
  name: 'baseline (GetItem + SendMessage)',
  entry: 'test/bench/baseline-function.ts',
  kind: 'baseline',
  memoryMb: defaultMemoryMb,
};

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
 * Bundles every entry, and the baseline, with the stack's esbuild settings into `outDir`
 * (one bundle per entry; routes sharing an entry share a bundle) and returns the
 * functions with their bundle's size.
 */
export async function buildBundles(outDir: string): Promise<LambdaBundle[]> {
  await rm(outDir, { recursive: true, force: true });
  const built = new Map<string, { file: string; bytes: number }>();
  const bundles: LambdaBundle[] = [];
  // The baseline last: by then the local services have served every other function, so
  // its figure is not inflated by their first requests.
  for (const fn of [...lambdaFunctions(), baselineFunction]) {
    let bundle = built.get(fn.entry);
    if (!bundle) {
      const file = join(outDir, fn.entry.replace(/\.ts$/, ''), 'index.mjs');
      await mkdir(join(file, '..'), { recursive: true });
      await build({ ...esbuildOptionsFor(fn.entry), outfile: file, logLevel: 'error' });
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
    const budget = bundleBudgetBytes(bundle.kind);
    const over = bundle.bytes > budget ? `  over the ${budget / 1024} KB ${bundle.kind} budget` : '';
    console.log(`  ${kb(bundle.bytes)}  ${bundle.name}${over}`);
  }
  const within = (kinds: LambdaFunction['kind'][]) => {
    const counted = bundles.filter((bundle) => kinds.includes(bundle.kind));
    const fits = counted.filter((bundle) => bundle.bytes <= bundleBudgetBytes(bundle.kind)).length;
    return `${fits}/${counted.length}`;
  };
  console.log(`  ${within(['api'])} API functions within ${apiBundleBudgetBytes / 1024} KB`);
  console.log(
    `  ${within(['worker', 'scheduled'])} workers and scheduled jobs within ${workerBundleBudgetBytes / 1024} KB`,
  );
}
