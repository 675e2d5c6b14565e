import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKey } from '../../src/api-keys/find-key';
import { listKeys } from '../../src/api-keys/list-keys';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';
import { focusOutline, isFocused, launchBrowser, PASSWORD, tabTo, tokenRequest } from './browser';

// A keyboard-only user: every step below is Tab, Shift+Tab, Enter, Space, Escape, the
// arrow keys or typing; nothing is clicked. Create a key, copy its secret, rotate it
// with a grace period, and revoke it, through the dialogs.
let t: TestApp & { url: string };
let browser: Browser;
let page: Page;
let org: { id: string; slug: string };
const EMAIL = 'keys@kbd.example';
const NAME = 'kbd-nightly';
const SLOW = { timeout: 60_000 };

const button = (name: string) => page.getByRole('button', { name, exact: true });
/** The element with the focus is inside `dialog` (focus moved into it). */
const focusInside = (name: string) =>
  page.getByRole('dialog', { name }).evaluate((d) => d.contains(document.activeElement));

beforeAll(async () => {
  t = await startTestServer({ BCRYPT_COST: '4' });
  org = await t.newOrg('kbd');
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: EMAIL,
    password: PASSWORD,
    orgId: org.id,
    role: 'admin',
  });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the console with the keyboard only', () => {
  let clientId: string;
  let firstSecret: string;
  let secondSecret: string;

  it('signs in, and the skip link jumps to the content', SLOW, async () => {
    await page.goto(`${t.url}/console/sign-in`);
    await tabTo(page, page.getByLabel('Email'));
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/orgs\/kbd\/keys/);
    // The empty list says what to do next.
    await page.getByRole('heading', { name: 'No active keys' }).waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await isFocused(skip)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await isFocused(page.getByRole('main'))).toBe(true);
  });

  it('creates a key in the dialog: focus moves in, and Escape brings it back', SLOW, async () => {
    const create = button('Create key');
    await tabTo(page, create);
    expect(await focusOutline(page)).not.toBe('none');
    await page.keyboard.press('Enter');
    expect(await focusInside('Create key')).toBe(true);
    expect(await isFocused(page.getByRole('dialog').getByLabel('Name'))).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Create key' }).waitFor({ state: 'hidden' });
    expect(await isFocused(create)).toBe(true);

    await page.keyboard.press('Enter');
    await page.keyboard.type(NAME);
    // Space ticks a scope on top of the read scopes chosen for us.
    await tabTo(page, page.getByRole('checkbox', { name: 'write:subjects' }));
    await page.keyboard.press('Space');
    await tabTo(page, button('Create'));
    expect(await focusOutline(page)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reveal\//);

    clientId = await page.getByLabel('Client ID').inputValue();
    firstSecret = await page.getByLabel('Client secret').inputValue();
    expect((await tokenRequest(t.url, clientId, firstSecret)).status).toBe(200);
    expect(await button('Done').isDisabled()).toBe(true);
    await tabTo(page, page.getByRole('checkbox', { name: 'I have copied the secret' }));
    await page.keyboard.press('Space');
    await tabTo(page, button('Done'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/keys\?status=active$/);
  });

  it('rotates with a grace period chosen with the arrow keys', SLOW, async () => {
    const rotate = button(`Rotate ${NAME}`);
    await tabTo(page, rotate);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Rotate “${NAME}”?` });
    expect(await focusInside(`Rotate “${NAME}”?`)).toBe(true);
    // Focus lands on the chosen grace period: one hour.
    expect(await isFocused(dialog.getByRole('radio', { name: /^1 hour/ }))).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await dialog.getByRole('radio', { name: '24 hours' }).isChecked()).toBe(true);
    // Escape cancels: nothing rotates, the choice is forgotten, focus returns to the row.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await isFocused(rotate)).toBe(true);
    expect((await findKey(t.deps.db, org.id, clientId)).rotatedAt).toBeNull();

    await page.keyboard.press('Enter');
    expect(await dialog.getByRole('radio', { name: /^1 hour/ }).isChecked()).toBe(true);
    await tabTo(page, dialog.getByRole('button', { name: 'Rotate', exact: true }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reveal\//);
    expect(await page.getByRole('main').textContent()).toMatch(
      /The old secret keeps working until .+ \(in 1 hour\)/,
    );
    secondSecret = await page.getByLabel('Client secret').inputValue();
    expect(secondSecret).not.toBe(firstSecret);
    expect((await tokenRequest(t.url, clientId, secondSecret)).status).toBe(200);
    expect((await tokenRequest(t.url, clientId, firstSecret)).status).toBe(200);
    await tabTo(page, page.getByRole('checkbox', { name: 'I have copied the secret' }));
    await page.keyboard.press('Space');
    await tabTo(page, button('Done'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/keys\?status=active$/);
  });

  it('revokes: Cancel is focused first, so Enter alone changes nothing', SLOW, async () => {
    const revoke = button(`Revoke ${NAME}`);
    await tabTo(page, revoke);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Revoke “${NAME}”?` });
    expect(await isFocused(dialog.getByRole('button', { name: 'Cancel' }))).toBe(true);
    expect(await focusOutline(page)).not.toBe('none');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(await isFocused(revoke)).toBe(true);
    expect((await findKey(t.deps.db, org.id, clientId)).revokedAt).toBeNull();

    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await isFocused(dialog.getByRole('button', { name: 'Revoke', exact: true }))).toBe(true);
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `Key “${NAME}” revoked.` })
      .waitFor();
    expect((await tokenRequest(t.url, clientId, secondSecret)).status).toBe(401);
    expect((await tokenRequest(t.url, clientId, firstSecret)).status).toBe(401);
    const left = await listKeys(t.deps.db, org.id, t.clock.now(), { status: 'active' });
    expect(left.items).toEqual([]);
  });
});
