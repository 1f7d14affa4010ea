/**
 * `npm run bench [-- part…]`: benchmarks that print figures. Parts: `bundles` (sizes and
 * cold starts), `pipeline` (throughput and latency), `cost` (AWS requests and dollars per
 * 1,000 emails); all by default. Each starts its own local platform (in memory, random
 * ports), runs a bounded workload and stops by itself. They assert nothing: targets are
 * read from the figures, not enforced by a flaky timer.
 */
import { join } from 'node:path';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { measureColdStarts, printColdStarts } from './cold-start.ts';
import { benchCost } from './cost.ts';
import { buildBundles, printBundleSizes } from './lambda-bundles.ts';
import { benchSendPipeline } from './send-pipeline.ts';

const parts = process.argv.slice(2);
const wanted = (part: string) => parts.length === 0 || parts.includes(part);
const coldStartRuns = Number(process.env.BENCH_COLD_START_RUNS ?? 5);

if (wanted('bundles')) {
  const bundles = await buildBundles(join(import.meta.dirname, '..', '..', '.mailroom', 'bench', 'bundles'));
  printBundleSizes(bundles);
  const runtime = await startLocalRuntime({ apiPort: 0, ses: { verificationDelayMs: 0 }, logLevel: 'ERROR' });
  try {
    printColdStarts(await measureColdStarts(bundles, runtime, coldStartRuns), coldStartRuns);
  } finally {
    await runtime.stop();
  }
}
if (wanted('pipeline')) await benchSendPipeline();
if (wanted('cost')) await benchCost();
