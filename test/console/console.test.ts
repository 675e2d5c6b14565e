import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKey } from '../../src/api-keys/find-key';
import { listKeys } from '../../src/api-keys/list-keys';
import { operatorActor } from '../../src/audit/actor';
import { SESSION_COOKIE } from '../../src/auth/sessions';
import { createUser } from '../../src/auth/users';
import { startTestServer } from '../helpers/listening-server';
import { wrongSecret } from '../helpers/oauth-client';
import type { TestApp } from '../helpers/test-app';
import { csrfOf, jwtClaims, launchBrowser, PASSWORD, signInThroughForm, tokenRequest } from './browser';

type Server = TestApp & { url: string };

const ADMIN = 'admin@acme.example';
const VIEWER = 'viewer@acme.example';
const SLOW = { timeout: 60_000 };

let t: Server;
let browser: Browser;
let acme: { id: string; slug: string };
let beta: { id: string; slug: string };
let admin: { context: BrowserContext; page: Page };
/** Every URL any page requested or navigated to, and every secret seen: no URL may carry one. */
const urls: string[] = [];
const secrets: string[] = [];
const cspViolations: string[] = [];

/** The keys-table row whose name link is exactly `name`. */
const row = (page: Page, name: string): Locator =>
  page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });

/** Whitespace-collapsed text of an element. */
const textOf = async (l: Locator): Promise<string> => ((await l.textContent()) ?? '').replace(/\s+/g, ' ');
/** The status badge of a keys-table row. */
const statusOf = async (r: Locator): Promise<string> => (await textOf(r.getByRole('cell').nth(3))).trim();

async function newWatchedContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.on('request', (r) => urls.push(r.url()));
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('framenavigated', (f) => urls.push(f.url()));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return { context, page };
}

async function filterKeys(page: Page, status: string, opts: { hideRevoked?: boolean; q?: string } = {}) {
  await page.getByLabel('Status').selectOption({ label: status });
  await page.getByRole('checkbox', { name: 'Hide revoked' }).setChecked(opts.hideRevoked ?? false);
  await page.getByLabel('Search keys').fill(opts.q ?? '');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/status=/);
}

async function allKeyNames(orgId: string): Promise<string[]> {
  const page = await listKeys(t.deps.db, orgId, t.clock.now(), { status: 'all', limit: 100 });
  return page.items.map((k) => k.name).sort();
}

beforeAll(async () => {
  t = await startTestServer({ BCRYPT_COST: '4' });
  acme = await t.newOrg('acme', 1000);
  beta = await t.newOrg('beta', 1000);
  const user = (email: string, orgId: string, role: 'admin' | 'viewer') =>
    createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email,
      password: PASSWORD,
      orgId,
      role,
    });
  await user(ADMIN, acme.id, 'admin');
  await user(ADMIN, beta.id, 'admin');
  await user(VIEWER, acme.id, 'viewer');
  await t.newKey(acme.id, { name: 'alpha one', scopes: ['read:subjects'] });
  await t.newKey(acme.id, { name: 'alpha two', scopes: ['read:subjects'] });
  await t.newKey(acme.id, { name: 'bravo', scopes: ['read:subjects'] });
  await t.newKey(beta.id, { name: 'beta only', scopes: ['read:subjects'] });
  browser = await launchBrowser();
  admin = await newWatchedContext();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('console as an admin', () => {
  let created: { clientId: string; secret: string; revealUrl: string };
  let rotatedSecret: string;

  it('signs in with Email and Password and lands on the keys page', SLOW, async () => {
    const { page } = admin;
    await signInThroughForm(page, t.url, ADMIN);
    expect(new URL(page.url()).pathname).toBe('/console/orgs/acme/keys');
    await expect.poll(() => page.getByRole('heading', { name: 'API keys' }).isVisible()).toBe(true);
    for (const name of ['Keys', 'Usage', 'Audit log', 'Integrate']) {
      expect(await page.getByRole('navigation').getByRole('link', { name, exact: true }).count()).toBe(1);
    }
  });

  it('sends a strict CSP and a HttpOnly, SameSite=Strict session cookie', SLOW, async () => {
    const { page, context } = admin;
    const res = await page.goto(`${t.url}/console/orgs/acme/keys`);
    const csp = res?.headers()['content-security-policy'] ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name as string, values]),
    );
    const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
    expect(scriptSrc).toBeDefined();
    expect(scriptSrc).not.toContain("'unsafe-inline'");
    expect(scriptSrc).not.toContain("'unsafe-eval'");
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    const session = (await context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(session).toBeDefined();
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
  });

  it('refuses a POST without the CSRF token (403) and creates nothing', SLOW, async () => {
    const { page } = admin;
    const before = await allKeyNames(acme.id);
    const res = await page.request.post(`${t.url}/console/orgs/acme/keys`, {
      form: { name: 'no csrf', scopes: 'read:subjects' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    const wrong = await page.request.post(`${t.url}/console/orgs/acme/keys`, {
      form: { _csrf: 'x'.repeat(32), name: 'wrong csrf', scopes: 'read:subjects' },
      maxRedirects: 0,
    });
    expect(wrong.status()).toBe(403);
    expect(await allKeyNames(acme.id)).toEqual(before);
  });

  it('creates a key through the dialog and reveals its secret once', SLOW, async () => {
    const { page } = admin;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await page.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create key' });
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill('ci deploy');
    // All read scopes are pre-selected, nothing else.
    for (const scope of t.deps.catalog) {
      expect(await dialog.getByRole('checkbox', { name: scope, exact: true }).isChecked(), scope).toBe(
        scope.startsWith('read:'),
      );
    }
    await dialog.getByRole('checkbox', { name: 'write:subjects', exact: true }).check();
    // A wildcard range raises the warning; clearing it removes the warning.
    const cidrs = dialog.getByLabel(/Allowed IP ranges/);
    const warning = dialog.getByText(/Warning: a range this wide/);
    expect(await warning.isVisible()).toBe(false);
    await cidrs.fill('0.0.0.0/0');
    await warning.waitFor({ state: 'visible' });
    await cidrs.fill('');
    await warning.waitFor({ state: 'hidden' });
    // Expiry on a date: the date field appears only for that choice.
    const dateField = dialog.getByLabel('Expiration date');
    expect(await dateField.isVisible()).toBe(false);
    await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: 'On a date…' });
    await dateField.waitFor({ state: 'visible' });
    const expiry = new Date(t.clock.now().getTime() + 45 * 86_400_000).toISOString().slice(0, 10);
    await dateField.fill(expiry);
    await dialog.getByLabel(/Token lifetime/).fill('600');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();

    await page.waitForURL(/\/reveal\//);
    await page.getByRole('heading', { name: 'Key created' }).waitFor();
    const reveal = page.getByRole('dialog', { name: /Copy the secret of “ci deploy” now/ });
    const clientId = await reveal.getByLabel('Client ID').inputValue();
    const secret = await reveal.getByLabel('Client secret').inputValue();
    expect(clientId).toMatch(/^km_[0-9A-Za-z]{22}$/);
    expect(secret).toMatch(/^kms_[0-9A-Za-z]{49}$/);
    secrets.push(secret);
    created = { clientId, secret, revealUrl: page.url() };

    // "Done" waits for the acknowledgement.
    const done = reveal.getByRole('button', { name: 'Done' });
    expect(await done.isDisabled()).toBe(true);
    await reveal.getByRole('checkbox', { name: 'I have copied the secret' }).check();
    expect(await done.isEnabled()).toBe(true);

    // The secret from the page obtains a token at the real endpoint.
    const token = await tokenRequest(t.url, clientId, secret);
    expect(token.status).toBe(200);
    expect(token.json.expires_in).toBe(600);
    const claims = jwtClaims(String(token.json.access_token));
    expect(claims.client_id).toBe(clientId);
    expect(claims.iss).toBe(t.url);
    expect(String(token.json.scope).split(' ').sort()).toEqual(
      [...t.deps.catalog.filter((s) => s.startsWith('read:')), 'write:subjects'].sort(),
    );

    await done.click();
    await page.waitForURL(/\/console\/orgs\/acme\/keys\?status=active$/);
    const key = await findKey(t.deps.db, acme.id, clientId);
    expect(key.expiresAt?.toISOString().slice(0, 10)).toBe(expiry);
  });

  it('never shows the secret again at the reveal URL', SLOW, async () => {
    const { page } = admin;
    const res = await page.goto(created.revealUrl);
    expect(res?.status()).toBe(410);
    await page.getByRole('heading', { name: 'Secret no longer shown' }).waitFor();
    expect(await page.content()).not.toContain(created.secret);
    await page.reload();
    expect(await page.content()).not.toContain(created.secret);
  });

  it('lists the key: name, client id, secret preview, status, scopes', SLOW, async () => {
    const { page } = admin;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    const r = row(page, 'ci deploy');
    expect(await r.count()).toBe(1);
    const text = await textOf(r);
    expect(text).toContain(created.clientId);
    expect(text).toContain(`kms_…${created.secret.slice(-4)}`);
    expect(text).not.toContain(created.secret);
    expect(text).toContain('active');
    expect(text).toContain('read:subjects');
    expect(text).toContain('write:subjects');
    expect(text).toContain(ADMIN);
    expect(await page.content()).not.toContain(created.secret);
  });

  it('renames the key and edits its scopes on the key page, confirming what changes', SLOW, async () => {
    const { page } = admin;
    await row(page, 'ci deploy').getByRole('link', { name: 'ci deploy' }).click();
    await page.getByRole('heading', { name: 'Key “ci deploy”' }).waitFor();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('ci deploy prod');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('heading', { name: 'Key “ci deploy prod”' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    const access = page.getByRole('region', { name: 'Scopes, IP ranges and token lifetime' });
    expect(await access.getByText(/Changing these may break integrations/).isVisible()).toBe(true);
    await access.getByRole('checkbox', { name: 'write:subjects', exact: true }).uncheck();
    await access.getByRole('checkbox', { name: 'read:audit', exact: true }).uncheck();
    await access.getByRole('button', { name: 'Save changes' }).click();
    // Nothing is saved before the page says what changes and the change is confirmed.
    await page.getByRole('heading', { name: 'Save changes to “ci deploy prod”?' }).waitFor();
    const changes = await textOf(page.getByRole('main'));
    expect(changes).toContain('Calls made with this key may break');
    expect(changes).toMatch(
      /Scopes removed — calls that need them will be refused: (write:subjects, read:audit|read:audit, write:subjects)/,
    );
    expect((await findKey(t.deps.db, acme.id, created.clientId)).scopes).toContain('write:subjects');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const key = await findKey(t.deps.db, acme.id, created.clientId);
    expect(key.name).toBe('ci deploy prod');
    expect([...key.scopes].sort()).toEqual(['read:keys', 'read:subjects', 'read:usage']);
    const token = await tokenRequest(t.url, created.clientId, created.secret);
    expect(token.status).toBe(200);
    expect(String(token.json.scope).split(' ').sort()).toEqual(['read:keys', 'read:subjects', 'read:usage']);
  });

  it('disables the key (shown under Status "Disabled"), then enables it again', SLOW, async () => {
    const { page } = admin;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await row(page, 'ci deploy prod').getByRole('button', { name: 'Disable ci deploy prod' }).click();
    await page
      .getByRole('dialog', { name: 'Disable “ci deploy prod”?' })
      .getByRole('button', { name: 'Disable', exact: true })
      .click();
    await page.getByRole('status').filter({ hasText: 'disabled' }).waitFor();
    expect(await row(page, 'ci deploy prod').count()).toBe(0);
    expect((await tokenRequest(t.url, created.clientId, created.secret)).status).toBe(401);

    await filterKeys(page, 'Disabled');
    const r = row(page, 'ci deploy prod');
    expect(await r.count()).toBe(1);
    expect(await statusOf(r)).toBe('disabled');
    expect(await row(page, 'bravo').count()).toBe(0);
    await r.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('status').filter({ hasText: 'enabled' }).waitFor();
    expect(await statusOf(row(page, 'ci deploy prod'))).toBe('active');
    expect((await tokenRequest(t.url, created.clientId, created.secret)).status).toBe(200);
  });

  it('rotates on the key page with a grace period: new and old secrets both work', SLOW, async () => {
    const { page } = admin;
    await row(page, 'ci deploy prod').getByRole('link', { name: 'ci deploy prod' }).click();
    await page.getByRole('button', { name: 'Rotate ci deploy prod' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate “ci deploy prod”?' });
    // One hour is chosen unless the user picks another grace period.
    expect(await confirm.getByRole('radio', { name: /^1 hour/ }).isChecked()).toBe(true);
    expect(await confirm.getByRole('radio', { name: 'None' }).isChecked()).toBe(false);
    expect(await confirm.getByRole('radio', { name: '24 hours' }).isChecked()).toBe(false);
    await confirm.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.waitForURL(/\/reveal\//);
    await page.getByRole('heading', { name: 'Key rotated' }).waitFor();
    const until = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    expect(await textOf(page.getByRole('dialog'))).toContain(
      `The old secret keeps working until ${until.slice(0, 10)} ${until.slice(11, 16)} UTC (in 1 hour)`,
    );
    expect(await page.getByLabel('Client ID').inputValue()).toBe(created.clientId);
    rotatedSecret = await page.getByLabel('Client secret').inputValue();
    secrets.push(rotatedSecret);
    expect(rotatedSecret).toMatch(/^kms_/);
    expect(rotatedSecret).not.toBe(created.secret);
    expect((await tokenRequest(t.url, created.clientId, rotatedSecret)).status).toBe(200);
    expect((await tokenRequest(t.url, created.clientId, created.secret)).status).toBe(200);
    await page.getByRole('checkbox', { name: 'I have copied the secret' }).check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/\/keys\?status=active$/);
    expect(await textOf(row(page, 'ci deploy prod'))).toContain(`kms_…${rotatedSecret.slice(-4)}`);
  });

  it('rotates from the table row after asking; with grace "None" the old secret stops', SLOW, async () => {
    const { page } = admin;
    const seeded = await t.newKey(acme.id, { name: 'row rotate', scopes: ['read:subjects'] });
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await row(page, 'row rotate').getByRole('button', { name: 'Rotate row rotate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate “row rotate”?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await findKey(t.deps.db, acme.id, seeded.id)).rotatedAt).toBeNull();
    await row(page, 'row rotate').getByRole('button', { name: 'Rotate row rotate' }).click();
    await confirm.getByRole('radio', { name: 'None' }).check();
    await confirm.getByRole('button', { name: 'Rotate', exact: true }).click();
    await page.waitForURL(/\/reveal\//);
    expect(await textOf(page.getByRole('main'))).not.toContain('old secret keeps working');
    const fresh = await page.getByLabel('Client secret').inputValue();
    secrets.push(fresh);
    expect((await tokenRequest(t.url, seeded.clientId, fresh)).status).toBe(200);
    expect((await tokenRequest(t.url, seeded.clientId, seeded.secret)).status).toBe(401);
  });

  it('revokes with confirmation; Status "All" shows it, "Hide revoked" hides it', SLOW, async () => {
    const { page } = admin;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await row(page, 'ci deploy prod').getByRole('button', { name: 'Revoke ci deploy prod' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke “ci deploy prod”?' });
    await confirm.waitFor({ state: 'visible' });
    // Cancelling keeps the key.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    expect((await findKey(t.deps.db, acme.id, created.clientId)).revokedAt).toBeNull();
    await row(page, 'ci deploy prod').getByRole('button', { name: 'Revoke ci deploy prod' }).click();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('status').filter({ hasText: 'revoked' }).waitFor();
    expect(await row(page, 'ci deploy prod').count()).toBe(0);
    expect((await tokenRequest(t.url, created.clientId, rotatedSecret)).status).toBe(401);
    expect((await tokenRequest(t.url, created.clientId, created.secret)).status).toBe(401);

    await filterKeys(page, 'All');
    expect(await statusOf(row(page, 'ci deploy prod'))).toBe('revoked');
    expect(await row(page, 'bravo').count()).toBe(1);
    await filterKeys(page, 'All', { hideRevoked: true });
    expect(await row(page, 'ci deploy prod').count()).toBe(0);
    expect(await row(page, 'bravo').count()).toBe(1);
  });

  it('deletes the revoked key', SLOW, async () => {
    const { page } = admin;
    await filterKeys(page, 'Revoked');
    await row(page, 'ci deploy prod').getByRole('button', { name: 'Delete ci deploy prod' }).click();
    await page
      .getByRole('dialog', { name: 'Delete “ci deploy prod”?' })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await page.getByRole('status').filter({ hasText: 'Key deleted.' }).waitFor();
    await filterKeys(page, 'All');
    expect(await row(page, 'ci deploy prod').count()).toBe(0);
    expect(await allKeyNames(acme.id)).not.toContain('ci deploy prod');
  });

  it('searches keys by name', SLOW, async () => {
    const { page } = admin;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await filterKeys(page, 'Active', { q: 'alpha' });
    expect(await row(page, 'alpha one').count()).toBe(1);
    expect(await row(page, 'alpha two').count()).toBe(1);
    expect(await row(page, 'bravo').count()).toBe(0);
    expect(await page.getByRole('row').count()).toBe(3); // header + two
    await filterKeys(page, 'Active', { q: 'nothing like this' });
    await page.getByText('No keys match.').waitFor();
  });

  it('shows usage charts as images with accessible names', SLOW, async () => {
    const { page } = admin;
    await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).click();
    await page.waitForURL(/\/usage$/);
    const hourly = page.getByRole('img', { name: /Tokens across the organisation, last 24 hours/ });
    await hourly.waitFor();
    const label = (await hourly.getAttribute('aria-label')) ?? '';
    const issued = Number(/: (\d+) issued/.exec(label)?.[1]);
    expect(issued).toBeGreaterThanOrEqual(5);
    expect(await page.getByRole('img', { name: /last 30 days/ }).count()).toBe(1);
    expect(await page.locator('svg[role="img"] rect.bar-issued').count()).toBeGreaterThan(0);
  });

  it('lists key events in the audit log', SLOW, async () => {
    const { page } = admin;
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/audit$/);
    const actions = await textOf(page.getByRole('table'));
    for (const action of [
      'key.created',
      'key.renamed',
      'key.scopes_changed',
      'key.disabled',
      'key.enabled',
      'key.rotated',
      'key.revoked',
      'key.deleted',
    ]) {
      expect(actions, action).toContain(action);
    }
    for (const secret of secrets) expect(await page.content()).not.toContain(secret);
    // The filter is a select of the known actions; rows name the action in words.
    await page.getByLabel('Action').selectOption('key.revoked');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=key\.revoked/);
    const rows = await page.getByRole('table').getByRole('row').allInnerTexts();
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows.slice(1)) expect(r).toContain('Key revoked');
  });

  it(
    'Integrate shows the token endpoint, an Actions snippet, and a working connection test',
    SLOW,
    async () => {
      const { page } = admin;
      const probe = await t.newKey(acme.id, { name: 'integration probe', scopes: ['read:subjects'] });
      secrets.push(probe.secret);
      await page.getByRole('navigation').getByRole('link', { name: 'Integrate' }).click();
      await page.waitForURL(/\/integrate$/);
      expect(await textOf(page.getByRole('region', { name: 'Endpoints' }))).toContain(`${t.url}/token`);
      const actions = await page.getByRole('textbox', { name: 'GitHub Actions step' }).inputValue();
      expect(actions).toContain('::add-mask::');
      expect(actions).toContain(`${t.url}/token`);
      expect(await page.getByRole('textbox', { name: 'curl command' }).inputValue()).toContain(
        'grant_type=client_credentials',
      );

      const test = page.getByRole('region', { name: 'Connection test' });
      await test.getByLabel('Client ID').fill(probe.clientId);
      await test.getByLabel('Client secret').fill(probe.secret);
      await test.getByRole('button', { name: 'Test connection' }).click();
      await page.getByRole('status').filter({ hasText: 'It works' }).waitFor();
      const claims = JSON.parse(
        (await page.getByRole('figure').filter({ hasText: 'Token claims' }).locator('pre').textContent()) ??
          '',
      );
      expect(claims.client_id).toBe(probe.clientId);
      expect(claims.iss).toBe(t.url);
      expect(claims.scope).toBe('read:subjects');
      expect(await page.content()).not.toContain(probe.secret);

      // A wrong secret is reported, not a crash.
      await test.getByLabel('Client ID').fill(probe.clientId);
      await test.getByLabel('Client secret').fill(wrongSecret(probe.secret));
      await test.getByRole('button', { name: 'Test connection' }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /token endpoint answered 40\d/ })
        .waitFor();
    },
  );

  it('Integrate’s MCP panel shows the endpoint and lists the tools a key would see', SLOW, async () => {
    const { page } = admin;
    const agent = await t.newKey(acme.id, { name: 'mcp agent', scopes: ['read:keys', 'write:keys'] });
    secrets.push(agent.secret);
    await page.goto(`${t.url}/console/orgs/${acme.slug}/integrate`);
    const panel = page.getByRole('region', { name: 'MCP' });
    expect(await textOf(panel)).toContain(`${t.url}/mcp`);
    expect(await page.getByRole('textbox', { name: 'MCP JSON-RPC examples' }).inputValue()).toContain(
      'tools/call',
    );
    expect(await page.getByRole('textbox', { name: 'MCP client configuration' }).inputValue()).toContain(
      `${t.url}/mcp`,
    );
    await panel.getByLabel('MCP client ID').fill(agent.clientId);
    await panel.getByLabel('MCP client secret').fill(agent.secret);
    await panel.getByRole('button', { name: 'List the tools this key would see' }).click();
    const tools = page.getByRole('list', { name: 'Tools this key would see' });
    await tools.waitFor();
    const names = (await tools.locator('code').allTextContents()).sort();
    expect(names).toEqual([
      'create_key',
      'get_key',
      'list_keys',
      'revoke_key',
      'rotate_key',
      'update_key',
      'whoami',
    ]);
    expect(await page.content()).not.toContain(agent.secret);
  });

  it('switches organisation for a user in two orgs', SLOW, async () => {
    const { page } = admin;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await page.getByLabel('Organisation').selectOption({ label: 'beta' });
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(/\/console\/orgs\/beta\/keys/);
    expect(await row(page, 'beta only').count()).toBe(1);
    expect(await row(page, 'bravo').count()).toBe(0);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).getAttribute('href')).toBe(
      '/console/orgs/beta/usage',
    );
    await page.getByLabel('Organisation').selectOption({ label: 'acme' });
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.waitForURL(/\/console\/orgs\/acme\/keys/);
  });

  it('signs out: the session ends and the console asks to sign in again', SLOW, async () => {
    const { page, context } = admin;
    const old = (await context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value;
    expect(old).toBeTruthy();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in$/);
    expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    await page.waitForURL(/\/console\/sign-in$/);
    // The old cookie, replayed, is dead too.
    const replay = await fetch(`${t.url}/console/orgs/acme/keys`, {
      headers: { cookie: `${SESSION_COOKIE}=${old}` },
      redirect: 'manual',
    });
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/console/sign-in');
  });
});

describe('console as a viewer', () => {
  let viewer: { context: BrowserContext; page: Page };

  beforeAll(async () => {
    viewer = await newWatchedContext();
    await signInThroughForm(viewer.page, t.url, VIEWER);
  }, 60_000);
  afterAll(async () => {
    await viewer?.context.close();
  });

  it('sees keys but no Create key or row action buttons', SLOW, async () => {
    const { page } = viewer;
    expect(new URL(page.url()).pathname).toBe('/console/orgs/acme/keys');
    expect(await row(page, 'alpha one').count()).toBe(1);
    expect(await row(page, 'bravo').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    for (const name of ['Revoke', 'Rotate', 'Disable', 'Enable', 'Delete']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    await row(page, 'bravo').getByRole('link', { name: 'bravo' }).click();
    await page.getByRole('heading', { name: 'Key “bravo”' }).waitFor();
    for (const name of ['Rename', 'Save changes', 'Rotate', 'Disable', 'Revoke', 'Delete']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
  });

  it('a forged create or revoke with a valid CSRF token gets 403 and changes nothing', SLOW, async () => {
    const { page } = viewer;
    await page.goto(`${t.url}/console/orgs/acme/keys`);
    const csrf = await csrfOf(page);
    const before = await allKeyNames(acme.id);
    const bravo = (await listKeys(t.deps.db, acme.id, t.clock.now(), { q: 'bravo' })).items[0];
    expect(bravo).toBeDefined();

    const create = await page.request.post(`${t.url}/console/orgs/acme/keys`, {
      headers: { 'X-CSRF-Token': csrf },
      form: { name: 'forged by viewer', scopes: 'read:subjects' },
      maxRedirects: 0,
    });
    expect(create.status()).toBe(403);
    const createForm = await page.request.post(`${t.url}/console/orgs/acme/keys`, {
      form: { _csrf: csrf, name: 'forged by viewer', scopes: 'read:subjects' },
      maxRedirects: 0,
    });
    expect(createForm.status()).toBe(403);
    for (const action of ['revoke', 'rotate', 'enabled', 'delete', 'update']) {
      const res = await page.request.post(`${t.url}/console/orgs/acme/keys/${bravo?.id}/${action}`, {
        form: { _csrf: csrf, enabled: 'false', name: 'renamed by viewer' },
        maxRedirects: 0,
      });
      expect(res.status(), action).toBe(403);
    }
    expect(await allKeyNames(acme.id)).toEqual(before);
    const after = await findKey(t.deps.db, acme.id, bravo?.id as string);
    expect(after.revokedAt).toBeNull();
    expect(after.enabled).toBe(true);
    expect(after.name).toBe('bravo');
    expect(after.secretDigest).toBe(bravo?.secretDigest);
  });

  it('may run the connection test, which changes nothing', SLOW, async () => {
    const { page } = viewer;
    await page.goto(`${t.url}/console/orgs/acme/integrate`);
    const test = page.getByRole('region', { name: 'Connection test' });
    await test.getByLabel('Client ID').fill('km_0000000000000000000000');
    await test.getByLabel('Client secret').fill('kms_wrong');
    await test.getByRole('button', { name: 'Test connection' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('invalid_client');
  });

  it('cannot reach an organisation it is not a member of', SLOW, async () => {
    const { page } = viewer;
    const res = await page.goto(`${t.url}/console/orgs/beta/keys`);
    expect(res?.status()).toBe(404);
    expect(await page.content()).not.toContain('beta only');
  });
});

describe('across the whole run', () => {
  it('no page URL ever carried a secret, and no CSP violation was reported', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    expect(urls.length).toBeGreaterThan(20);
    for (const url of urls) {
      const decoded = decodeURIComponent(url);
      for (const secret of secrets) expect(decoded).not.toContain(secret);
      expect(decoded).not.toMatch(/kms_[0-9A-Za-z]{20,}/);
    }
    expect(cspViolations).toEqual([]);
  });
});
