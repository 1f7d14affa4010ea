/**
 * The local platform in a process of its own, on a data directory, for the crash test:
 * prints one JSON line (API URL, live key, local SES URL) once ready, then runs until
 * killed. Usage: node crash-platform.ts <dataDir>
 */
import { startLocalRuntime } from '../../infra/local/runtime.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-platform.ts <dataDir>');
const runtime = await startLocalRuntime({
  dataDir,
  apiPort: 0,
  logLevel: 'CRITICAL',
  // Redelivery of what a crash left in flight within seconds, not minutes.
  visibilityTimeoutSeconds: { send: 5, sesEvents: 5, webhooks: 5 },
  ses: { outcomeDelayMs: 300, maxSendRate: 20 },
});
console.log(
  JSON.stringify({ apiUrl: runtime.apiUrl, liveKey: runtime.credentials.liveKey, sesUrl: runtime.sesUrl }),
);
