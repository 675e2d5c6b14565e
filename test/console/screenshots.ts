// `npm run screenshots`: every console page at 1280 and 390 px, as PNGs in
// test/console/__screenshots__/, so reviewers see the pages without running them. The
// server runs in this process over a throw-away in-memory PGlite database filled with
// demo data (seedDemo), on a fixed clock so dates come out the same on every run.
import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import type { Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { buildDeps } from '../../src/build-deps';
import { parseConfig } from '../../src/config';
import { migrate } from '../../src/db/migrate';
import { readMigrations } from '../../src/db/migrations-dir';
import { openPglite } from '../../src/db/pglite';
import { nodeClientIp, nodeSecretDigester } from '../../src/entry/node';
import { FixedClock } from '../../src/lib/clock';
import { silentLog } from '../../src/lib/log';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { launchBrowser, signInThroughForm } from './browser';
import { DEMO_ADMIN, DEMO_PASSWORD, seedDemo } from './demo-data';

const OUT = new URL('./__screenshots__/', import.meta.url).pathname;
const WIDTHS = [1280, 390] as const;

async function main() {
  const database = await openPglite(undefined);
  await migrate(database, readMigrations());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = parseConfig({ ISSUER_URL: url, BCRYPT_COST: '4' });
  const clock = new FixedClock('2026-02-01T09:00:00Z');
  const deps = await buildDeps({
    database,
    config,
    clock,
    kekBase64: generateKekBase64(),
    log: silentLog,
    clientIp: nodeClientIp(config),
    secretDigester: nodeSecretDigester,
  });
  const app = createApp(deps);
  const demo = await seedDemo({ app, deps, clock });
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
  const browser = await launchBrowser();
  mkdirSync(OUT, { recursive: true });
  const keys = `${url}/console/orgs/${demo.org.slug}/keys`;
  const longKey = demo.keys['deploy-production-eu-west-1-primary-cluster']?.id;
  const written: string[] = [];

  try {
    for (const width of WIDTHS) {
      const context = await browser.newContext({
        viewport: { width, height: width === 390 ? 844 : 800 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const shot = async (name: string) => {
        const path = `${OUT}${name}-${width}.png`;
        await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
        written.push(path);
      };
      const visit = async (path: string, name: string) => {
        await page.goto(`${url}${path}`);
        await shot(name);
      };
      const openDialog = async (button: ReturnType<Page['getByRole']>, name: string) => {
        await button.click();
        await page.getByRole('dialog').waitFor();
        await shot(name);
        await page.keyboard.press('Escape');
      };

      // The set-up link's page, as the first admin of a new installation sees it.
      await visit(`/console/setup/${await deps.setupLink.issue(clock.now())}`, '00-setup');
      await visit('/console/sign-in', '01-sign-in');
      await signInThroughForm(page, url, DEMO_ADMIN, DEMO_PASSWORD);
      await shot('02-keys');
      await openDialog(page.getByRole('button', { name: 'Create key' }), '03-create-key-dialog');
      await openDialog(page.getByRole('button', { name: 'Rotate ci-nightly' }), '04-rotate-dialog');
      await page.getByRole('button', { name: 'Rotate ci-nightly' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Rotate', exact: true }).click();
      await page.waitForURL(/\/reveal\//);
      await shot('05-reveal-rotated');
      await visit(`/console/orgs/${demo.org.slug}/keys/${longKey}`, '06-key');
      const access = page.getByRole('region', { name: 'Scopes, IP ranges and token lifetime' });
      await access.getByRole('checkbox', { name: 'write:subjects' }).uncheck();
      await access.getByLabel('Allowed IP ranges').fill('203.0.113.0/24\n198.51.100.0/24');
      await access.getByRole('button', { name: 'Save changes' }).click();
      await page.waitForURL(/\/update$/);
      await shot('07-key-access-confirm');
      await visit(`/console/orgs/${demo.org.slug}/federations`, '08-federations');
      await visit(`/console/orgs/${demo.org.slug}/federations/${demo.federationId}`, '09-federation');
      await visit(`/console/orgs/${demo.org.slug}/federations/new`, '10-federation-form');
      await visit(`/console/orgs/${demo.org.slug}/usage`, '11-usage');
      await visit(`/console/orgs/${demo.org.slug}/audit`, '12-audit');
      await visit(`/console/orgs/${demo.org.slug}/integrate`, '13-integrate');
      await visit(`/console/orgs/${demo.org.slug}/members`, '14-members');
      await page.goto(keys);
      await context.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.close(() => r()));
    await database.close();
  }
  console.log(written.map((p) => p.slice(p.indexOf('test/'))).join('\n'));
}

await main();
