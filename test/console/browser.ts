import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** Headless Chromium from the system package; browsers are never downloaded. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export const PASSWORD = 'correct horse battery';

/** Signs in through the form and waits for the keys page. */
export async function signInThroughForm(page: Page, base: string, email: string, password = PASSWORD) {
  await page.goto(`${base}/console/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/orgs\/[^/]+\/keys/);
}

/** The CSRF token the current page exposes. */
export async function csrfOf(page: Page): Promise<string> {
  const token = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  if (!token) throw new Error('no csrf-token meta on this page');
  return token;
}

/** POSTs client credentials to the real /token endpoint over HTTP. */
export async function tokenRequest(base: string, clientId: string, secret: string, scope?: string) {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope) body.set('scope', scope);
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

export function jwtClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical violations on the page as it is now, one line each.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern,
 * so the CSP stays on (an injected <script> tag would be refused for want of the nonce).
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is the global the script just defined
    const axe = (window as any).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

/** Whether the page scrolls sideways: wider content than the window. */
export const scrollsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** Whether `target` has the keyboard focus. */
export const isFocused = (target: Locator): Promise<boolean> =>
  target.evaluate((el) => el === document.activeElement);

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would;
 * fails when it is not reachable within `max` presses.
 */
export async function tabTo(page: Page, target: Locator, o: { back?: boolean; max?: number } = {}) {
  for (let i = 0; i < (o.max ?? 60); i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(o.back ? 'Shift+Tab' : 'Tab');
  }
  if (!(await isFocused(target))) throw new Error(`not reachable by keyboard: ${target}`);
}

/** The focused element's outline: the focus must be visible. */
export const focusOutline = (page: Page): Promise<string> =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return 'none';
    const s = getComputedStyle(el);
    return s.outlineStyle === 'none' || s.outlineWidth === '0px'
      ? 'none'
      : `${s.outlineWidth} ${s.outlineStyle}`;
  });
