import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * PyJWT interoperability, kept out of the default `npm test` run because it needs
 * Debian's python3-jwt for /usr/bin/python3. Run with `npm run test:pyjwt`.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['test/interop/pyjwt/**/*.itest.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
