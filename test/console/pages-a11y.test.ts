import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';
import { launchBrowser, scrollsSideways, seriousA11yViolations, signInThroughForm } from './browser';
import { DEMO_ADMIN, DEMO_PASSWORD, DEMO_VIEWER, type Demo, seedDemo } from './demo-data';

// Every console page, as an admin and as a viewer, at 1280 and 390 px: standards mode,
// no sideways scrolling, and no serious or critical axe-core violation — also with each
// kind of dialog open. The demo organisation has keys of every status, a long key name,
// a federation and a day of traffic; the second organisation is empty.
let t: TestApp & { url: string };
let browser: Browser;
let demo: Demo;
const WIDTHS = [1280, 390] as const;
const SLOW = { timeout: 180_000 };

/** A page to check: where it is, and what to do there before checking. */
interface Stop {
  name: string;
  path: string;
  /** The page's HTTP status, when it is not 200. */
  status?: number;
  act?: (page: Page) => Promise<void>;
}

const openDialog = (button: string) => async (page: Page) => {
  await page.getByRole('button', { name: button, exact: true }).click();
  await page.getByRole('dialog').waitFor();
};

function stops(role: 'admin' | 'viewer'): Stop[] {
  const o = `/console/orgs/${demo.org.slug}`;
  const key = (name: string) => `${o}/keys/${demo.keys[name]?.id}`;
  const common: Stop[] = [
    { name: 'keys', path: `${o}/keys` },
    { name: 'all keys', path: `${o}/keys?status=all` },
    { name: 'key', path: key('deploy-production-eu-west-1-primary-cluster') },
    { name: 'revoked key', path: key('leaked-2024') },
    { name: 'federations', path: `${o}/federations` },
    { name: 'federation', path: `${o}/federations/${demo.federationId}` },
    { name: 'usage', path: `${o}/usage` },
    { name: 'audit log', path: `${o}/audit` },
    { name: 'integrate', path: `${o}/integrate` },
    { name: 'members', path: `${o}/members` },
    { name: 'no such organisation', path: '/console/orgs/nowhere/keys', status: 404 },
  ];
  if (role === 'viewer') return common;
  return [
    ...common,
    { name: 'create dialog', path: `${o}/keys`, act: openDialog('Create key') },
    { name: 'rotate dialog', path: `${o}/keys`, act: openDialog('Rotate ci-nightly') },
    { name: 'disable dialog', path: `${o}/keys`, act: openDialog('Disable ci-nightly') },
    { name: 'revoke dialog', path: key('ci-nightly'), act: openDialog('Revoke ci-nightly') },
    { name: 'delete dialog', path: `${o}/keys?status=all`, act: openDialog('Delete leaked-2024') },
    { name: 'create key page', path: `${o}/keys/new` },
    { name: 'rotate page', path: `${key('ci-nightly')}/rotate` },
    { name: 'revoke page', path: `${key('ci-nightly')}/revoke?from=key` },
    {
      name: 'reveal',
      path: `${o}/keys/new`,
      act: async (page) => {
        await page.getByLabel('Name').fill(`a11y ${Math.random().toString(36).slice(2, 8)}`);
        await page.getByRole('button', { name: 'Create', exact: true }).click();
        await page.waitForURL(/\/reveal\//);
      },
    },
    {
      name: 'access confirmation',
      path: key('billing-service'),
      act: async (page) => {
        await page.getByRole('checkbox', { name: 'write:subjects' }).uncheck();
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.waitForURL(/\/update$/);
      },
    },
    { name: 'federation form', path: `${o}/federations/new` },
    { name: 'federation revoke page', path: `${o}/federations/${demo.federationId}/revoke` },
    {
      name: 'federation disable dialog',
      path: `${o}/federations/${demo.federationId}`,
      act: openDialog('Disable api deploys'),
    },
    { name: 'empty keys', path: '/console/orgs/beta/keys' },
    { name: 'empty federations', path: '/console/orgs/beta/federations' },
  ];
}

/** Everything wrong with the page as it is now, one line each. */
async function problems(page: Page, name: string): Promise<string[]> {
  const found: string[] = [];
  if ((await page.evaluate(() => document.compatMode)) !== 'CSS1Compat') found.push(`${name}: quirks mode`);
  if (await scrollsSideways(page)) {
    const widths = await page.evaluate(
      () => `${document.documentElement.scrollWidth} > ${window.innerWidth}`,
    );
    found.push(`${name}: scrolls sideways (${widths})`);
  }
  for (const v of await seriousA11yViolations(page)) found.push(`${name}: ${v}`);
  return found;
}

async function signedIn(email: string, width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await signInThroughForm(page, t.url, email, DEMO_PASSWORD);
  return { context, page };
}

beforeAll(async () => {
  t = await startTestServer({ BCRYPT_COST: '4' });
  demo = await seedDemo(t);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('every page passes axe, in standards mode, without sideways scrolling', () => {
  for (const width of WIDTHS) {
    it(`the sign-in page at ${width} px`, SLOW, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${t.url}/console/sign-in`);
      expect(await problems(page, 'sign in')).toEqual([]);
      await context.close();
    });

    for (const [role, email] of [
      ['admin', DEMO_ADMIN],
      ['viewer', DEMO_VIEWER],
    ] as const) {
      it(`every ${role} page at ${width} px`, SLOW, async () => {
        const { context, page } = await signedIn(email, width);
        const found: string[] = [];
        for (const stop of stops(role)) {
          const res = await page.goto(`${t.url}${stop.path}`);
          if (res?.status() !== (stop.status ?? 200)) found.push(`${stop.name}: HTTP ${res?.status()}`);
          await stop.act?.(page);
          found.push(...(await problems(page, stop.name)));
        }
        expect(found).toEqual([]);
        await context.close();
      });
    }
  }
});

describe('the keys table', () => {
  it(
    'keeps every key on one line at 1280 px, long names truncated with the full name in a tooltip',
    SLOW,
    async () => {
      const { context, page } = await signedIn(DEMO_ADMIN, 1280);
      await page.goto(`${t.url}/console/orgs/${demo.org.slug}/keys?status=all`);
      const rows = page.locator('tbody tr');
      expect(await rows.count()).toBeGreaterThanOrEqual(6);
      const lineHeights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
      for (const h of lineHeights) expect(h).toBeLessThan(60);
      const long = 'deploy-production-eu-west-1-primary-cluster';
      const link = page.getByRole('link', { name: long });
      expect(await link.getAttribute('title')).toBe(long);
      expect(await link.evaluate((a) => a.scrollWidth > a.clientWidth)).toBe(true);
      await context.close();
    },
  );

  it('becomes one card per key at 390 px, every action button inside the window', SLOW, async () => {
    const { context, page } = await signedIn(DEMO_ADMIN, 390);
    await page.goto(`${t.url}/console/orgs/${demo.org.slug}/keys`);
    const buttons = page.getByRole('button', { name: /^(Rotate|Disable|Revoke) / });
    expect(await buttons.count()).toBe(3 * (await page.locator('tbody tr').count()));
    const edges = await buttons.evaluateAll((bs) => bs.map((b) => b.getBoundingClientRect().right));
    for (const right of edges) expect(right).toBeLessThanOrEqual(390);
    // The header row is for screen readers only; each card labels its own values.
    expect(await page.locator('thead').evaluate((h) => h.getBoundingClientRect().height)).toBeLessThanOrEqual(
      1,
    );
    const label = await page
      .getByRole('row')
      .filter({ hasText: 'ci-nightly' })
      .locator('td[data-label="Client ID"]')
      .evaluate((td) => getComputedStyle(td, '::before').content);
    expect(label).toBe('"Client ID"');
    await context.close();
  });
});
