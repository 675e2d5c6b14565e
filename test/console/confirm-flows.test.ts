import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKey } from '../../src/api-keys/find-key';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { findFederation } from '../../src/federation/find-federation';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';
import { launchBrowser, PASSWORD, scrollsSideways, signInThroughForm, tokenRequest } from './browser';

// Every action that changes a key or a federation asks first, naming it, at 1280 and
// 390 px; a viewer is offered none of them; and without script the same confirmations
// are pages of their own.
let t: TestApp & { url: string };
let browser: Browser;
let org: { id: string; slug: string };
const ADMIN = 'admin@confirm.example';
const VIEWER = 'viewer@confirm.example';
const GITHUB = 'https://token.actions.githubusercontent.com';
const SLOW = { timeout: 90_000 };

async function open(
  email: string,
  width: number,
  javaScriptEnabled = true,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width, height: 844 }, javaScriptEnabled });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await signInThroughForm(page, t.url, email);
  return { context, page };
}

const newFederation = (name: string) =>
  createFederation(federationContext(t.ctx(), t.config), org.id, {
    name,
    issuer: GITHUB,
    claims: { repository_id: '1', repository_owner_id: '2', repository: 'acme/api' },
    scopes: ['read:subjects'],
  });

beforeAll(async () => {
  t = await startTestServer({ BCRYPT_COST: '4' });
  org = await t.newOrg('confirm', 1000);
  for (const [email, role] of [
    [ADMIN, 'admin'],
    [VIEWER, 'viewer'],
  ] as const) {
    await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email,
      password: PASSWORD,
      orgId: org.id,
      role,
    });
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

for (const width of [1280, 390]) {
  describe(`at ${width} px`, () => {
    it(
      'an admin rotates, disables, enables, revokes and deletes a key, each asked first by name',
      SLOW,
      async () => {
        const name = `flow-${width}`;
        const key = await t.newKey(org.id, { name, scopes: ['read:subjects'] });
        const { context, page } = await open(ADMIN, width);
        const ask = async (verb: string) => {
          await page.getByRole('button', { name: `${verb} ${name}`, exact: true }).click();
          const dialog = page.getByRole('dialog', { name: `${verb} “${name}”?` });
          await dialog.waitFor();
          expect(await scrollsSideways(page)).toBe(false);
          return dialog;
        };

        // Rotate with "None": the old secret stops at once.
        await (await ask('Rotate')).getByRole('radio', { name: 'None' }).check();
        await page.getByRole('dialog').getByRole('button', { name: 'Rotate', exact: true }).click();
        await page.waitForURL(/\/reveal\//);
        const fresh = await page.getByLabel('Client secret').inputValue();
        expect((await tokenRequest(t.url, key.clientId, key.secret)).status).toBe(401);
        expect((await tokenRequest(t.url, key.clientId, fresh)).status).toBe(200);
        await page.goto(`${t.url}/console/orgs/${org.slug}/keys`);

        // Disable: Cancel first, then for real.
        const disable = await ask('Disable');
        await disable.getByRole('button', { name: 'Cancel' }).click();
        await disable.waitFor({ state: 'hidden' });
        expect((await findKey(t.deps.db, org.id, key.id)).enabled).toBe(true);
        await (await ask('Disable')).getByRole('button', { name: 'Disable', exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Key “${name}” disabled.` })
          .waitFor();
        expect((await tokenRequest(t.url, key.clientId, fresh)).status).toBe(401);

        // Enable needs no confirmation; it is undone as easily.
        await page.goto(`${t.url}/console/orgs/${org.slug}/keys?status=disabled`);
        await page.getByRole('button', { name: `Enable ${name}`, exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Key “${name}” enabled.` })
          .waitFor();

        // Revoke and delete from the key's own page.
        await page.getByRole('link', { name, exact: true }).click();
        await page.getByRole('heading', { name: `Key “${name}”` }).waitFor();
        await (await ask('Revoke')).getByRole('button', { name: 'Revoke', exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Key “${name}” revoked.` })
          .waitFor();
        await page.goto(`${t.url}/console/orgs/${org.slug}/keys/${key.id}`);
        await (await ask('Delete')).getByRole('button', { name: 'Delete', exact: true }).click();
        await page.getByRole('status').filter({ hasText: 'Key deleted.' }).waitFor();
        expect(
          await findKey(t.deps.db, org.id, key.id).then(
            () => 'listed',
            () => 'gone',
          ),
        ).toBe('gone');
        await context.close();
      },
    );

    it(
      'an admin disables, enables, revokes and deletes a federation, each asked first by name',
      SLOW,
      async () => {
        const name = `deploys-${width}`;
        const f = await newFederation(name);
        const { context, page } = await open(ADMIN, width);
        const path = `${t.url}/console/orgs/${org.slug}/federations/${f.id}`;
        await page.goto(path);
        const ask = async (verb: string) => {
          await page.getByRole('button', { name: `${verb} ${name}`, exact: true }).click();
          const dialog = page.getByRole('dialog', { name: `${verb} “${name}”?` });
          await dialog.waitFor();
          expect(await scrollsSideways(page)).toBe(false);
          return dialog;
        };
        const cancel = await ask('Revoke');
        await cancel.getByRole('button', { name: 'Cancel' }).click();
        await cancel.waitFor({ state: 'hidden' });
        await (await ask('Disable')).getByRole('button', { name: 'Disable', exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Federation “${name}” disabled.` })
          .waitFor();
        await page.getByRole('button', { name: `Enable ${name}`, exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Federation “${name}” enabled.` })
          .waitFor();
        await (await ask('Revoke')).getByRole('button', { name: 'Revoke', exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: `Federation “${name}” revoked.` })
          .waitFor();
        await (await ask('Delete')).getByRole('button', { name: 'Delete', exact: true }).click();
        await page.getByRole('status').filter({ hasText: 'Federation deleted.' }).waitFor();
        await expect(findFederation(t.deps.db, org.id, f.id)).rejects.toThrow();
        await context.close();
      },
    );

    it('a viewer is offered no change on keys, key pages or federations', SLOW, async () => {
      const key = await t.newKey(org.id, { name: `viewed-${width}`, scopes: ['read:subjects'] });
      const f = await newFederation(`viewed-${width}`);
      const { context, page } = await open(VIEWER, width);
      for (const path of [
        `/console/orgs/${org.slug}/keys`,
        `/console/orgs/${org.slug}/keys/${key.id}`,
        `/console/orgs/${org.slug}/federations`,
        `/console/orgs/${org.slug}/federations/${f.id}`,
      ]) {
        await page.goto(`${t.url}${path}`);
        expect(await scrollsSideways(page), path).toBe(false);
        const changes = page.getByRole('button', {
          name: /^(Create|Rotate|Disable|Enable|Revoke|Delete|Rename|Save)/,
        });
        expect(await changes.count(), path).toBe(0);
        expect(
          await page.locator('form[method="post"]:not([action="/console/sign-out"])').count(),
          path,
        ).toBe(0);
      }
      await context.close();
    });
  });
}

describe('without script', () => {
  it('rotate leads to a confirmation page with the grace presets, then the reveal', SLOW, async () => {
    const key = await t.newKey(org.id, { name: 'no-script', scopes: ['read:subjects'] });
    const { context, page } = await open(ADMIN, 1280, false);
    await page.goto(`${t.url}/console/orgs/${org.slug}/keys`);
    await page.getByRole('button', { name: 'Rotate no-script', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Rotate “no-script”?' }).waitFor();
    expect((await findKey(t.deps.db, org.id, key.id)).rotatedAt).toBeNull();
    await page.getByRole('radio', { name: '24 hours' }).check();
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.waitForURL(/\/reveal\//);
    expect(await page.getByRole('main').textContent()).toContain('(in 24 hours)');
    expect((await tokenRequest(t.url, key.clientId, key.secret)).status).toBe(200);
    // Done works once the box is ticked: the browser itself requires it.
    await page.getByRole('button', { name: 'Done' }).click();
    expect(page.url()).toMatch(/\/reveal\//);
    await page.getByRole('checkbox', { name: 'I have copied the secret' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/keys\?status=active$/);

    // Cancel on a confirmation page goes back and changes nothing.
    await page.getByRole('button', { name: 'Revoke no-script', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Revoke “no-script”?' }).waitFor();
    await page.getByRole('link', { name: 'Cancel' }).click();
    await page.waitForURL(/\/keys$/);
    expect((await findKey(t.deps.db, org.id, key.id)).revokedAt).toBeNull();

    // Create key leads to its own page.
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByRole('heading', { level: 1, name: 'Create key' }).waitFor();
    await context.close();
  });
});
