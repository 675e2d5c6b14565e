import { type Browser, chromium, type Page } from 'playwright-core';

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
