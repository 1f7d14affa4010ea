/**
 * `npm run bench [-- part…]`: benchmarks that print figures. Parts: `bundles` (sizes and
 * cold starts), `pipeline` (throughput and latency), `cost` (AWS requests and dollars per
 * 1,000 emails), `contacts` (a 10,000-row import), `campaign` (a campaign to 10,000
 * contacts), `console` (the web console's bundle size); all by default, each in a process of its own (the AWS clients of a
 * process keep the endpoints of the first local platform they met). Each part starts its
 * own local platform (in memory, random ports), runs a bounded workload and stops by
 * itself. `bundles` also measures a baseline function (`baseline-function.ts`) in the same
 * run and prints every cold start as a ratio to it. They assert nothing: targets are read from the figures, not enforced by a
 * flaky timer.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { benchCampaign } from './campaign.ts';
import { measureColdStarts, printColdStarts } from './cold-start.ts';
import { benchConsoleBundle } from './console-bundle.ts';
import { benchContactImport } from './contact-import.ts';
import { benchCost } from './cost.ts';
import { baselineFunction, buildBundles, printBundleSizes } from './lambda-bundles.ts';
import { benchSendPipeline } from './send-pipeline.ts';

const parts = {
  bundles: async () => {
    const runs = Number(process.env.BENCH_COLD_START_RUNS ?? 5);
    const bundles = await buildBundles(
      join(import.meta.dirname, '..', '..', '.mailroom', 'bench', 'bundles'),
    );
    printBundleSizes(bundles);
    const runtime = await startLocalRuntime({
      apiPort: 0,
      ses: { verificationDelayMs: 0 },
      logLevel: 'ERROR',
    });
    try {
      printColdStarts(await measureColdStarts(bundles, runtime, runs), runs, baselineFunction.name);
    } finally {
      await runtime.stop();
    }
  },
  pipeline: benchSendPipeline,
  cost: benchCost,
  contacts: benchContactImport,
  campaign: benchCampaign,
  console: benchConsoleBundle,
};
type Part = keyof typeof parts;

const asked = process.argv.slice(2);
const unknown = asked.filter((part) => !(part in parts));
if (unknown.length > 0)
  throw new Error(`Unknown bench parts: ${unknown.join(', ')} (known: ${Object.keys(parts).join(', ')})`);
const wanted = (asked.length > 0 ? asked : Object.keys(parts)) as Part[];
if (wanted.length === 1) await parts[wanted[0] as Part]();
else {
  for (const part of wanted)
    execFileSync(process.execPath, [import.meta.filename, part], { stdio: 'inherit' });
}
