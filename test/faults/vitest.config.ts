import { defineConfig } from 'vitest/config';

// Faults need a PostgreSQL server whose databases a test may cut off, and real
// processes to kill: CI runs them apart from `npm test` (.ci/run), one file at a time.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/helpers/build-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
