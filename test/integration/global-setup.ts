import type { TestProject } from 'vitest/node';
import { startLocalRuntime } from '../../infra/local/runtime.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    sesUrl: string;
    liveKey: string;
    testKey: string;
    awsEnv: Record<string, string>;
    sendDeadLetterQueueUrl: string;
    sandboxDomain: string;
    smtp: { host: string; starttls: number; implicitTls: number; certificate: string };
    defaultProject: { id: string; accountId: string; name: string; createdAt: string };
  }
}

/** Starts the whole local platform once, in memory, for every integration test file. */
export default async function setup(project: TestProject) {
  const runtime = await startLocalRuntime({
    apiPort: 0,
    ses: { verificationDelayMs: 1500, outcomeDelayMs: 50 },
    scheduleIntervalSeconds: 1,
    // Tenants on, so the suite exercises the stricter path (every send names its tenant).
    sesTenants: true,
    webhooks: { retrySchedule: [1, 1], deactivateAfter: 6 },
    // Functions trust copies of accounts, keys and campaigns for 1 s, so tests wait that long at most.
    cacheSeconds: 1,
    logLevel: 'ERROR',
  });
  // Many tests bounce and complain from the default account on purpose; only the
  // reputation tests, on accounts of their own, should ever see it judged.
  const { setReputationOverrides } = await import('#shared/tenancy/tenancy-store.ts');
  await setReputationOverrides(runtime.credentials.accountId, { minimumSends: 1_000_000_000 });
  project.provide('defaultProject', {
    id: runtime.credentials.projectId,
    accountId: runtime.credentials.accountId,
    name: 'Default project',
    createdAt: '',
  });
  project.provide('smtp', runtime.smtp);
  project.provide('apiUrl', runtime.apiUrl);
  project.provide('sesUrl', runtime.sesUrl);
  project.provide('liveKey', runtime.credentials.liveKey);
  project.provide('testKey', runtime.credentials.testKey);
  project.provide('awsEnv', runtime.env);
  project.provide('sendDeadLetterQueueUrl', runtime.deadLetterQueueUrls.send);
  project.provide('sandboxDomain', runtime.sandboxDomain);
  return () => runtime.stop();
}
