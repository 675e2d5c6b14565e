import { defineConfig } from 'vitest/config';

// The console's browser tests need Debian's Chromium (.ci/run installs it), so they run
// apart from `npm test`, which must pass on a machine with nothing but Node.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/console/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
