import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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
          // One local platform for the whole run, started once.
          globalSetup: ['test/integration/global-setup.ts'],
          // The files share one local SES whose quota some of them change.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
