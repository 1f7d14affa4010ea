/**
 * `npm run bench`: benchmarks that print figures. They start their own local platform
 * (in memory, random ports), run a bounded workload and stop by themselves. They assert
 * nothing: targets are read from the figures, not enforced by a flaky timer.
 */
import { benchSendPipeline } from './send-pipeline.ts';

await benchSendPipeline();
