import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/workers/**', 'test/console/**', 'test/faults/**', 'node_modules/**'],
    globalSetup: ['test/helpers/build-setup.ts', 'test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
