import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

export default defineConfig({
  test: {
    // Vitest's default on two cores is one worker; most test time is spent waiting on DynamoDB Local,
    // the local runner or a browser, so three files at a time keep both cores busy.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results/vitest.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'system',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // A worker runs file after file without loading the AWS SDK, zod and CDK again for each (test/shared/http
          // alone: 94 s of CPU isolated, 77 s not). Every file makes its own table and local system, and restores
          // the client mocks it installs.
          isolate: false,
        },
      },
      {
        // The console's component tests: a DOM, no DynamoDB.
        plugins: [react()],
        test: {
          name: 'web',
          include: ['web/src/**/*.test.tsx', 'web/src/**/*.test.ts'],
          environment: 'happy-dom',
          // React, Mantine and happy-dom loaded once per worker, not per file (47 s of CPU isolated, 29 s not);
          // web/src/test/setup.ts empties the DOM and storage after every test.
          isolate: false,
          setupFiles: ['web/src/test/setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
