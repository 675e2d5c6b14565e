import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  root,
  plugins: [
    // A function, so the bindings can use what global-setup.ts provided.
    cloudflareTest(({ inject }) => ({
      main: './src/entry/worker.ts',
      // The real wrangler.toml: its compatibility date and flags are what deploys.
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          DATABASE_URL: inject('workerDatabaseUrl'),
          KEYMINT_KEK: inject('workerKek'),
          // Not wrangler.toml's defaults, so the tests prove the bindings reach the config.
          ISSUER_URL: 'https://issuer.keymint.test',
          API_AUDIENCE: 'https://api.keymint.test',
        },
      },
    })),
  ],
  test: {
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
