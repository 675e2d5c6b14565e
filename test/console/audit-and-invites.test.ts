import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { rotateKey } from '../../src/api-keys/rotate-key';
import { updateKey } from '../../src/api-keys/update-key';
import { operatorActor } from '../../src/audit/actor';
import { userByEmail } from '../../src/auth/members';
import { createUser } from '../../src/auth/users';
import { createOrg } from '../../src/orgs/create-org';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';
import { launchBrowser, PASSWORD, signInThroughForm, tokenRequest } from './browser';

// The audit log, usage charts, members and invites, and claiming an organisation
// through the set-up link, in Chromium: as an admin and as a viewer, at 1280 and 390 px,
// with axe-core on every page (no serious or critical violation) and no sideways scroll.

const ADMIN = 'admin@acme.example';
const VIEWER = 'viewer@acme.example';
const WIDTHS = [1280, 390] as const;
const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:126.0) Gecko/20100101 Firefox/126.0';
// axe runs through the DevTools protocol (page.evaluate), which the page's CSP does not
// govern, so the pages are checked under their real CSP rather than with it bypassed.
const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

let t: TestApp & { url: string };
let browser: Browser;
let base: string;

beforeAll(async () => {
  t = await startTestServer({ BCRYPT_COST: '4' });
  const acme = await createOrg(t.deps.db, t.clock.now(), operatorActor(), {
    slug: 'acme',
    name: 'Acme Corp',
  });
  base = `${t.url}/console/orgs/acme`;
  for (const [email, role] of [
    [ADMIN, 'admin'],
    [VIEWER, 'viewer'],
  ] as const) {
    await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email,
      password: PASSWORD,
      orgId: acme.id,
      role,
    });
  }
  const admin = await userByEmail(t.deps.db, ADMIN);
  const ctx = {
    ...t.ctx(),
    actor: { type: 'user' as const, id: admin?.id as string, label: ADMIN },
    meta: { ip: '198.51.100.7', userAgent: FIREFOX },
  };
  const { key, secret } = await createKey(ctx, acme.id, {
    name: 'deploy-production-eu-west-1-primary-cluster',
    scopes: ['read:subjects', 'read:keys', 'read:usage'],
    allowedCidrs: ['203.0.113.0/24', '2001:db8::/48'],
  });
  await updateKey(ctx, acme.id, key.id, { scopes: ['read:subjects', 'read:keys'] });
  await rotateKey(ctx, acme.id, key.id, 3600);
  const ci = await createKey(ctx, acme.id, { name: 'ci-nightly', scopes: ['read:subjects'] });
  for (let i = 0; i < 3; i++) await tokenRequest(t.url, ci.key.clientId, ci.secret);
  await tokenRequest(t.url, ci.key.clientId, secret);
  await t.deps.usage.flush(t.deps.db);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

async function open(width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: width === 390 ? 844 : 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above, untyped here
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return (violations as { id: string; impact: string; targets: string[] }[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

/** The checks every page gets: axe, and nothing wider than the window. */
async function checkPage(page: Page, what: string) {
  expect(await axeViolations(page), what).toEqual([]);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${what} scrolls sideways`).toBeLessThanOrEqual(0);
}

describe.each(WIDTHS)('at %i px', (width) => {
  describe.each([
    ['admin', ADMIN],
    ['viewer', VIEWER],
  ] as const)('as %s', (role, email) => {
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      ({ context, page } = await open(width));
      await signInThroughForm(page, t.url, email);
    }, 60_000);
    afterAll(() => context?.close());

    it('reads the audit log by name, filters it and shows ids on demand', { timeout: 60_000 }, async () => {
      await page.goto(`${base}/audit`);
      await checkPage(page, `audit log, ${role}, ${width}`);
      const rotated = page.getByRole('row').filter({ hasText: 'Key rotated' });
      await expect(rotated.textContent()).resolves.toContain('deploy-production-eu-west-1-primary-cluster');
      await expect(rotated.textContent()).resolves.toContain(ADMIN);
      await expect(rotated.textContent()).resolves.toContain('Firefox 126 on macOS');
      // Every row stays inside the window (cells stack on a phone).
      const widest = await page.evaluate(() =>
        Math.max(
          ...[...document.querySelectorAll('.audit-table tr')].map((r) => r.getBoundingClientRect().right),
        ),
      );
      expect(widest).toBeLessThanOrEqual(width);

      await page.getByLabel('Action').selectOption({ label: 'Key scopes changed' });
      await page.getByLabel('Actor').selectOption({ label: ADMIN });
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/action=key\.scopes_changed/);
      const rows = page.locator('.audit-table tbody tr');
      expect(await rows.count()).toBe(1);
      await expect(rows.first().textContent()).resolves.toMatch(
        /Scopes\s*read:subjects, read:keys, read:usage → read:subjects, read:keys/,
      );
      // The ids, on demand, from the keyboard.
      const ids = rows.first().locator('summary');
      await ids.focus();
      await page.keyboard.press('Enter');
      await expect(rows.first().locator('.audit-ids dl').textContent()).resolves.toMatch(
        /key_[0-9A-Za-z]{20}/,
      );
      await checkPage(page, `audit log with ids open, ${role}, ${width}`);

      await page.getByLabel('Key').selectOption({ label: 'ci-nightly' });
      await page.getByLabel('Action').selectOption({ label: 'All actions' });
      await page.getByLabel('Actor').selectOption({ label: 'Anyone' });
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/key=key_/);
      await expect(page.locator('.audit-table tbody').textContent()).resolves.toContain('ci-nightly');
      await expect(page.locator('.audit-table tbody').textContent()).resolves.not.toContain(
        'primary-cluster',
      );
    });

    it('shows usage charts with a legend, readable axes and the numbers', { timeout: 60_000 }, async () => {
      await page.goto(`${base}/usage`);
      await checkPage(page, `usage, ${role}, ${width}`);
      const chart = page.getByRole('img', { name: /last 24 hours: 3 issued, 1 refused/ });
      expect(await chart.count()).toBe(1);
      const figure = page.locator('figure').first();
      await expect(figure.locator('.chart-legend').textContent()).resolves.toMatch(
        /Issued\s*3.*Refused\s*1/s,
      );
      const axisSize = await figure
        .locator('.chart-x span')
        .first()
        .evaluate((el) => Number.parseFloat(getComputedStyle(el).fontSize));
      const bodySize = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize));
      expect(axisSize).toBeGreaterThanOrEqual(bodySize);
      await figure.getByText('Show the numbers').click();
      const table = figure.getByRole('table');
      await table.waitFor();
      await expect(table.getByRole('row', { name: /Total 3 1/ }).count()).resolves.toBe(1);
      await checkPage(page, `usage with the numbers open, ${role}, ${width}`);
    });

    it(role === 'admin' ? 'invites someone and shows the link once' : 'sees members but cannot invite', {
      timeout: 60_000,
    }, async () => {
      await page.goto(`${base}/members`);
      await checkPage(page, `members, ${role}, ${width}`);
      if (role === 'viewer') {
        expect(await page.getByRole('button', { name: 'Invite', exact: true }).count()).toBe(0);
        await expect(page.getByText('Only admins can invite people').isVisible()).resolves.toBe(true);
        return;
      }
      const invitee = `new-${width}@acme.example`;
      await page.getByLabel('Email', { exact: true }).fill(invitee);
      await page.getByLabel('Role').selectOption('admin');
      await page.getByRole('button', { name: 'Invite', exact: true }).click();
      await page.waitForURL(/\/members\?invite=/);
      const link = await page.getByLabel('Invite link', { exact: true }).inputValue();
      expect(link).toMatch(/\/console\/invites\/[0-9A-Za-z]{32}$/);
      await checkPage(page, `invite link, ${width}`);
      await expect(page.getByRole('button', { name: `Revoke invite for ${invitee}` }).count()).resolves.toBe(
        1,
      );

      // The invitee, keyboard only: a password, Enter, and they are in, as an admin.
      const guest = await open(width);
      await guest.page.goto(link);
      await guest.page.getByRole('heading', { name: 'Join Acme Corp' }).waitFor();
      await checkPage(guest.page, `invite page, ${width}`);
      await guest.page.getByLabel('Password').focus();
      await guest.page.keyboard.type(PASSWORD);
      await guest.page.keyboard.press('Enter');
      await guest.page.waitForURL(/\/console\/orgs\/acme\/keys$/);
      expect(await guest.page.getByRole('button', { name: 'Create key' }).count()).toBeGreaterThan(0);
      await guest.context.close();
      // Used once: the link is dead, and the person is a member.
      const again = await open(width);
      expect((await again.page.goto(link))?.status()).toBe(404);
      await again.context.close();
      await page.reload();
      await expect(page.getByRole('table', { name: /Members of/ }).textContent()).resolves.toContain(invitee);
    });
  });
});

describe('claiming an organisation made with the CLI', () => {
  it.each(WIDTHS)(
    'lets the first admin in through the set-up link at %i px',
    { timeout: 60_000 },
    async (width) => {
      const slug = `gamma-${width}`;
      await createOrg(t.deps.db, t.clock.now(), operatorActor(), { slug, name: `Gamma ${width}` });
      const link = `${t.url}/console/setup/${await t.deps.setupLink.issue(new Date())}`;
      const { context, page } = await open(width);
      await page.goto(link);
      await checkPage(page, `set-up choices, ${width}`);
      await page.getByRole('link', { name: `Claim Gamma ${width}` }).click();
      await page.getByRole('heading', { name: `Claim Gamma ${width}` }).waitFor();
      await checkPage(page, `claim form, ${width}`);
      await page.getByLabel('Email').fill(`owner-${width}@gamma.example`);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: `Claim Gamma ${width}` }).click();
      await page.waitForURL(new RegExp(`/console/orgs/${slug}/keys$`));
      await page.goto(`${t.url}/console/orgs/${slug}/members`);
      await expect(page.getByRole('table', { name: /Members of/ }).textContent()).resolves.toMatch(
        new RegExp(`owner-${width}@gamma\\.example\\s*admin`),
      );
      await context.close();
    },
  );
});
