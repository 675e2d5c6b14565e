import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    exclude: ['test/workers/**', 'test/console/**', 'test/faults/**', 'node_modules/**'],
    globalSetup: ['test/helpers/build-setup.ts', 'test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A file spends much of its time waiting on child processes, sockets and timers, so one
    // worker per core (not vitest's cores - 1) keeps a 2-core machine busy: 5 min → under 4.
    maxWorkers: availableParallelism(),
  },
});
