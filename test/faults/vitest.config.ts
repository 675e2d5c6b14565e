import { defineConfig } from 'vitest/config';

// Faults, and several processes on one database: they need a PostgreSQL server whose
// databases a test may cut off, and real processes to pause and kill. CI runs them apart
// from `npm test` (.ci/run), one file at a time. FAULT_DATABASE_URL or TEST_DATABASE_URL
// names the server; the tests that build an app in process use it as TEST_DATABASE_URL.
const server = process.env.TEST_DATABASE_URL || process.env.FAULT_DATABASE_URL;

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/helpers/build-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    env: server ? { TEST_DATABASE_URL: server } : {},
  },
});
