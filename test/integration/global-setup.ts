import type { TestProject } from 'vitest/node';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';

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

/**
 * The platform of this run and how many projects (integration, browser) still use it.
 * It lives on `globalThis` because each project loads its global setup on its own: one
 * start serves every project of the run, and the last one out stops it.
 */
interface SharedPlatform {
  runtime: Promise<LocalRuntime>;
  users: number;
}
const holder = globalThis as { mailroomSharedPlatform?: SharedPlatform };

/** Starts the whole local platform once, in memory, for every integration and browser test file. */
export default async function setup(project: TestProject) {
  holder.mailroomSharedPlatform ??= { runtime: startSharedPlatform(), users: 0 };
  const shared = holder.mailroomSharedPlatform;
  shared.users += 1;
  const runtime = await shared.runtime;
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
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    holder.mailroomSharedPlatform = undefined;
    await runtime.stop();
  };
}

async function startSharedPlatform(): Promise<LocalRuntime> {
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
  return runtime;
}
