import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/sessions';
import { orgs } from '../../src/db/schema/index';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';
import { launchBrowser, PASSWORD, signInThroughForm } from './browser';

let t: TestApp & { url: string };
let browser: Browser;

beforeAll(async () => {
  // A first start: no user at all.
  t = await startTestServer({ BCRYPT_COST: '4' });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the first-start set-up link', () => {
  it('keeps what was typed when the server refuses the password, and creates nothing', {
    timeout: 60_000,
  }, async () => {
    const link = `${t.url}/console/setup/${await t.deps.setupLink.issue(new Date())}`;
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(link);
    await page.getByLabel('Organisation name').fill('Newcomer Ltd');
    await page.getByLabel(/Organisation slug/).fill('newcomer');
    await page.getByLabel('Email').fill('first@newcomer.example');
    // The page asks for 10 characters; the server must refuse a shorter one on its own.
    await page.getByLabel('Password').evaluate((el) => el.removeAttribute('minlength'));
    await page.getByLabel('Password').fill('short');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create account' }).click(),
    ]);
    expect(res.status()).toBe(400);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/at least 10 characters/);
    expect(await page.getByLabel('Organisation name').inputValue()).toBe('Newcomer Ltd');
    expect(await page.getByLabel(/Organisation slug/).inputValue()).toBe('newcomer');
    expect(await page.getByLabel('Email').inputValue()).toBe('first@newcomer.example');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    // No organisation was left behind: the next test takes the same slug.
    expect(await t.deps.db.select().from(orgs)).toEqual([]);
    await ctx.close();
  });

  it('lets a newcomer create the first org and admin, once', { timeout: 90_000 }, async () => {
    const link = `${t.url}/console/setup/${await t.deps.setupLink.issue(new Date())}`;
    const newcomer = await browser.newContext();
    const page = await newcomer.newPage();
    page.setDefaultTimeout(15_000);
    // A second browser holds the form open to submit it after the first one.
    const late = await browser.newContext();
    const latePage = await late.newPage();
    latePage.setDefaultTimeout(15_000);
    expect((await latePage.goto(link))?.status()).toBe(200);

    expect((await page.goto(link))?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Set up keymint' }).waitFor();
    await page.getByLabel('Organisation name').fill('Newcomer Ltd');
    await page.getByLabel(/Organisation slug/).fill('newcomer');
    await page.getByLabel('Email').fill('first@newcomer.example');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/console\/orgs\/newcomer\/keys$/);
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(1);
    const session = (await newcomer.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');

    // Used up: neither opening the link again nor posting the form held open works.
    const again = await browser.newContext();
    const againPage = await again.newPage();
    const res = await againPage.goto(link);
    expect(res?.status()).toBe(404);
    expect(await againPage.getByText('This set-up link is used up or expired.').isVisible()).toBe(true);
    await latePage.getByLabel('Organisation name').fill('Intruder');
    await latePage.getByLabel(/Organisation slug/).fill('intruder');
    await latePage.getByLabel('Email').fill('intruder@example.com');
    await latePage.getByLabel('Password').fill(PASSWORD);
    const [lateRes] = await Promise.all([
      latePage.waitForResponse((r) => r.request().method() === 'POST'),
      latePage.getByRole('button', { name: 'Create account' }).click(),
    ]);
    expect(lateRes.status()).toBe(404);
    expect((await late.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();

    // The admin it made signs in normally; the intruder does not exist.
    const later = await browser.newContext();
    const laterPage = await later.newPage();
    await signInThroughForm(laterPage, t.url, 'first@newcomer.example');
    expect(new URL(laterPage.url()).pathname).toBe('/console/orgs/newcomer/keys');
    await laterPage.goto(`${t.url}/console/sign-in`);
    await laterPage.getByLabel('Email').fill('intruder@example.com');
    await laterPage.getByLabel('Password').fill(PASSWORD);
    await laterPage.getByRole('button', { name: 'Sign in' }).click();
    await laterPage.getByRole('alert').waitFor();
    expect(laterPage.url()).toContain('/console/sign-in');

    for (const c of [newcomer, late, again, later]) await c.close();
  });

  it('refuses a malformed or unknown set-up token', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    expect((await page.goto(`${t.url}/console/setup/${'A'.repeat(32)}`))?.status()).toBe(404);
    expect((await page.goto(`${t.url}/console/setup/short`))?.status()).toBe(404);
    await context.close();
  });
});
