import type { TestProject } from 'vitest/node';
import { startLocalRuntime } from '../../infra/local/runtime.ts';

/** Receives a queue message gets before it moves to the DLQ, kept short for tests. */
export const testVisibilityTimeoutSeconds = 1;

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    sesUrl: string;
    liveKey: string;
    testKey: string;
    awsEnv: Record<string, string>;
    sendDeadLetterQueueUrl: string;
    sandboxDomain: string;
  }
}

/** Starts the whole local platform once, in memory, for every integration test file. */
export default async function setup(project: TestProject) {
  const runtime = await startLocalRuntime({
    apiPort: 0,
    visibilityTimeoutSeconds: testVisibilityTimeoutSeconds,
    ses: { verificationDelayMs: 1500, outcomeDelayMs: 50 },
    scheduleIntervalSeconds: 1,
    logLevel: 'ERROR',
  });
  project.provide('apiUrl', runtime.apiUrl);
  project.provide('sesUrl', runtime.sesUrl);
  project.provide('liveKey', runtime.credentials.liveKey);
  project.provide('testKey', runtime.credentials.testKey);
  project.provide('awsEnv', runtime.env);
  project.provide('sendDeadLetterQueueUrl', runtime.deadLetterQueueUrls.send);
  project.provide('sandboxDomain', runtime.sandboxDomain);
  return () => runtime.stop();
}
