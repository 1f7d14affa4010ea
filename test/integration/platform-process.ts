/**
 * A local platform in a process of its own, for tests that need one apart from the
 * suite's shared platform (a crash, timeouts of their own). Prints one JSON line
 * (`PlatformProcess`) once ready, then runs until killed.
 * Usage: node platform-process.ts '<LocalRuntimeOptions as JSON, apiPort aside>'
 */
import { type LocalRuntimeOptions, startLocalRuntime } from '../../infra/local/runtime.ts';

export interface PlatformProcess {
  apiUrl: string;
  liveKey: string;
  sesUrl: string;
  /** The operator's AWS environment: endpoints, credentials, queue URLs. */
  env: Record<string, string>;
  deadLetterQueueUrls: Record<string, string>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Omit<LocalRuntimeOptions, 'apiPort'>;
const runtime = await startLocalRuntime({ logLevel: 'CRITICAL', ...options, apiPort: 0 });
console.log(
  JSON.stringify({
    apiUrl: runtime.apiUrl,
    liveKey: runtime.credentials.liveKey,
    sesUrl: runtime.sesUrl,
    env: runtime.env,
    deadLetterQueueUrls: runtime.deadLetterQueueUrls,
  } satisfies PlatformProcess),
);
