import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** The tests that drive headless Chromium (the console, the API reference page) against the shared platform: a tier of their own. */
const browserFiles = ['test/integration/console.test.ts', 'test/integration/api-reference.test.ts'];
/**
 * After every other file, beside each other only: the SES-rate test lowers the shared SES
 * account's rate for minutes, and the crash test's restarted platform must drain its
 * queues without its workers passing their timeouts beside three other files.
 */
const lastFiles = ['test/integration/send-pacing.test.ts', 'test/integration/crash-recovery.test.ts'];

/**
 * Test files at once, every tier together (one run overlaps the CPU-bound infra proofs with
 * the integration files' waits). Integration files share no state they could race on: each
 * works in a tenant of its own; the tests that change the SES account's quota or a queue's
 * timeout run on a platform of their own, and the one that lowers the SES rate runs last.
 * `MAILROOM_TEST_WORKERS` overrides it, to measure.
 */
const workers = Number(process.env.MAILROOM_TEST_WORKERS ?? 3);

export default defineConfig({
  // The workspace's packages as their TypeScript sources (published, they point at their builds).
  resolve: {
    alias: {
      '@mailroom/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)),
      '@mailroom/mcp': fileURLToPath(new URL('./packages/mcp/src/index.ts', import.meta.url)),
    },
  },
  test: {
    // Metrics are log lines for CloudWatch; tests that load handlers without the local runtime would print them.
    env: { POWERTOOLS_METRICS_DISABLED: 'true' },
    maxWorkers: workers,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...browserFiles, ...lastFiles],
          // One local platform for the whole run (the browser tier's too), started once.
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-last',
          include: lastFiles,
          globalSetup: ['test/integration/global-setup.ts'],
          sequence: { groupOrder: 1 },
          maxWorkers: 2,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: browserFiles,
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
