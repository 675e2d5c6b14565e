import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { rotateKey } from '../../src/api-keys/rotate-key';
import { updateKey } from '../../src/api-keys/update-key';
import { operatorActor } from '../../src/audit/actor';
import { recordAudit } from '../../src/audit/record-audit';
import { userByEmail } from '../../src/auth/members';
import { createUser } from '../../src/auth/users';
import { api, bearer } from '../helpers/api-client';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// The audit log, the usage page and invites, as a browser drives them, over app.request().
let t: TestApp;
let org: { id: string; slug: string };
let admin: ConsoleUser;
let viewer: ConsoleUser;
let base: string;
let adminId: string;

const FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:126.0) Gecko/20100101 Firefox/126.0';
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('acme');
  admin = await consoleUser(t, org.id, 'admin@acme.example');
  viewer = await consoleUser(t, org.id, 'viewer@acme.example', 'viewer');
  base = `/console/orgs/${org.slug}`;
  adminId = (await userByEmail(t.deps.db, 'admin@acme.example'))?.id as string;
});
afterAll(() => t?.close());

/** Text a person sees: no tags, no attribute values (titles), entities decoded, spaces collapsed. */
const visible = (html: string) =>
  html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ');

/** The audit table's rows, each as the text a person sees, the IDs disclosure left out. */
function auditRows(html: string): string[] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return body
    .split('<tr>')
    .slice(1)
    .map((row) => visible(row.replace(/<details class="audit-ids">[\s\S]*?<\/details>/g, '')).trim());
}

const page = async (user: ConsoleUser, path: string) => {
  const res = await user.get(path);
  return { status: res.status, html: await res.text() };
};

/** A session-less browser: keeps the cookies it is given, as the invite and set-up pages need. */
function anonymous() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';');
      const [k = '', v = ''] = pair.split('=');
      if (/Max-Age=0/i.test(c)) jar.delete(k);
      else jar.set(k, v);
    }
    return res;
  };
  return {
    jar,
    get: async (path: string) => keep(await t.app.request(path, { headers: { cookie: cookie() } })),
    post: async (path: string, form: Record<string, string>) =>
      keep(
        await t.app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
          body: new URLSearchParams(form),
        }),
      ),
  };
}

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('the audit log', () => {
  let keyId: string;

  beforeAll(async () => {
    const who = { type: 'user' as const, id: adminId, label: 'admin@acme.example' };
    const ctx = { ...t.ctx(), actor: who, meta: { ip: '198.51.100.7', userAgent: FIREFOX } };
    const { key } = await createKey(ctx, org.id, { name: 'ci-nightly', scopes: ['read:subjects'] });
    keyId = key.id;
    await updateKey(ctx, org.id, key.id, { scopes: ['read:subjects', 'read:keys'] });
    await rotateKey({ ...ctx, meta: { ip: '198.51.100.7', userAgent: 'curl/8.5.0' } }, org.id, key.id, 3600);
  });

  it('shows people and keys by name, a short user agent and details as labelled fields', async () => {
    const { status, html } = await page(admin, `${base}/audit`);
    expect(status).toBe(200);
    const rows = auditRows(html);
    const created = rows.find((r) => r.includes('Key created')) ?? '';
    expect(created).toContain('admin@acme.example');
    expect(created).toContain('ci-nightly');
    expect(created).toContain('Firefox 126 on macOS');
    expect(created).toContain('198.51.100.7');
    const changed = rows.find((r) => r.includes('Key scopes changed')) ?? '';
    expect(changed).toContain('Scopes read:subjects → read:subjects, read:keys');
    const rotated = rows.find((r) => r.includes('Key rotated')) ?? '';
    expect(rotated).toContain('Grace period 1 h');
    expect(rotated).toContain('curl 8.5');
    // What people read carries no raw ids, no JSON and no full user-agent string …
    for (const r of rows) {
      expect(r).not.toMatch(/usr_|key_[0-9A-Za-z]{20}|evt_/);
      expect(r).not.toMatch(/[{}]/);
      expect(r).not.toContain('Gecko/20100101');
    }
    // … the ids are there on demand, in each event's disclosure.
    expect(html).toMatch(new RegExp(`<details class="audit-ids">[\\s\\S]*?${keyId}`));
    expect(html).toContain(adminId);
    // The key's name links to its page.
    expect(html).toContain(`href="${base}/keys/${keyId}"`);
  });

  it('offers filters by action, actor and key, by name, with this organisation’s people and keys only', async () => {
    const other = await t.newOrg('other-org');
    const theirs = await t.newKey(other.id, { name: 'their secret key' });
    const html = (await page(admin, `${base}/audit`)).html;
    const select = (id: string) => new RegExp(`<select id="${id}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
    expect(select('audit-action')).toContain('<option value="key.rotated">Key rotated</option>');
    expect(select('audit-action')).toContain('<option value="user.invited">Person invited</option>');
    expect(select('audit-actor')).toContain(`<option value="${adminId}">admin@acme.example</option>`);
    expect(select('audit-actor')).toContain('viewer@acme.example');
    expect(select('audit-key')).toContain(`<option value="${keyId}">ci-nightly</option>`);
    expect(html).not.toContain('their secret key');
    // Another organisation's key as a filter matches nothing here and names nothing.
    const foreign = await page(admin, `${base}/audit?key=${theirs.id}`);
    expect(foreign.status).toBe(200);
    expect(auditRows(foreign.html)).toEqual([]);
    expect(foreign.html).not.toContain('their secret key');
  });

  it('filters by action (exact or a whole group), by actor and by key, including the key acting', async () => {
    const rotated = auditRows((await page(admin, `${base}/audit?action=key.rotated`)).html);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toContain('Key rotated');
    const keyEvents = auditRows(
      (await page(admin, `${base}/audit?action=${encodeURIComponent('key.*')}`)).html,
    );
    expect(keyEvents.length).toBeGreaterThanOrEqual(3);
    for (const r of keyEvents) expect(r).toMatch(/Key /);

    // A key with write:keys renames ci-nightly through the API: the event's actor is that key.
    const token = await bearer(t, org.id, ['read:keys', 'write:keys', 'read:subjects']);
    const renamed = await api(t, 'PATCH', `/orgs/${org.slug}/keys/${keyId}`, {
      token,
      body: { name: 'ci-nightly-2' },
    });
    expect(renamed.status).toBe(200);
    const callerName = 'caller read:keys write:keys read:subjects';
    const byTarget = auditRows((await page(admin, `${base}/audit?key=${keyId}`)).html);
    expect(
      byTarget.some((r) => r.includes('Key renamed') && r.includes('Name ci-nightly → ci-nightly-2')),
    ).toBe(true);
    expect(byTarget.some((r) => r.includes('Key created'))).toBe(true);
    expect(byTarget.every((r) => r.includes('ci-nightly'))).toBe(true);
    const callerId = /<option value="(key_[^"]+)">caller read:keys write:keys read:subjects<\/option>/.exec(
      (await page(admin, `${base}/audit`)).html,
    )?.[1];
    const byActorKey = auditRows((await page(admin, `${base}/audit?key=${callerId}`)).html);
    const rename = byActorKey.find((r) => r.includes('Key renamed')) ?? '';
    expect(rename).toContain(callerName);

    const byUser = auditRows((await page(admin, `${base}/audit?actor=${adminId}`)).html);
    expect(byUser.length).toBeGreaterThan(0);
    expect(byUser.every((r) => r.includes('admin@acme.example'))).toBe(true);
    const byCli = auditRows((await page(admin, `${base}/audit?actor=cli`)).html);
    expect(byCli.some((r) => r.includes('Organisation created') && r.includes('CLI'))).toBe(true);
  });

  it('pages with the API’s cursor, older and back to newer, keeping the filters', async () => {
    const paged = await t.newOrg('paged');
    const pager = await consoleUser(t, paged.id, 'pager@acme.example');
    const start = t.clock.now().getTime();
    for (let i = 0; i < 60; i++) {
      await recordAudit(t.deps.db, new Date(start + i * 1000), {
        orgId: paged.id,
        action: 'key.renamed',
        actor: operatorActor(),
        target: { type: 'key', id: 'key_gone' },
        details: { from: `name ${i}`, to: `name ${i + 1}` },
      });
    }
    const first = await page(pager, `/console/orgs/paged/audit?action=key.renamed`);
    const firstRows = auditRows(first.html);
    expect(firstRows).toHaveLength(50);
    expect(firstRows[0]).toContain('name 59 → name 60');
    expect(first.html).not.toContain('Newer events');
    const older = /href="([^"]+)">Older events/.exec(first.html)?.[1]?.replace(/&amp;/g, '&') as string;
    expect(older).toContain('action=key.renamed');
    const second = await page(pager, older);
    const secondRows = auditRows(second.html);
    expect(secondRows).toHaveLength(10);
    expect(secondRows[0]).toContain('name 9 → name 10');
    expect(second.html).not.toContain('Older events');
    const newer = /href="([^"]+)">← Newer events/.exec(second.html)?.[1]?.replace(/&amp;/g, '&') as string;
    const back = auditRows((await page(pager, newer)).html);
    expect(back).toEqual(firstRows);
  });

  it('keeps the management API’s audit JSON as it was', async () => {
    const token = await bearer(t, org.id, ['read:audit']);
    const res = await api(t, 'GET', `/orgs/${org.slug}/audit-events?limit=2`, { token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['items', 'nextCursor']);
    expect(Object.keys(body.items[0]).sort()).toEqual(
      ['action', 'actor', 'at', 'details', 'id', 'ip', 'target', 'userAgent'].sort(),
    );
  });

  it('is readable by viewers too', async () => {
    const { status, html } = await page(viewer, `${base}/audit`);
    expect(status).toBe(200);
    expect(auditRows(html).length).toBeGreaterThan(0);
  });
});

describe('the usage page', () => {
  it('draws a chart with a legend, a text summary and the numbers in a table', async () => {
    const used = await t.newOrg('used');
    const reader = await consoleUser(t, used.id, 'reader@used.example', 'viewer');
    const key = await t.newKey(used.id, { name: 'usage key', scopes: ['read:subjects'] });
    expect((await requestToken(t.app, key)).status).toBe(200);
    // A well-formed secret of another key: refused, and counted against this one.
    const other = await t.newKey(used.id, { name: 'other key', scopes: ['read:subjects'] });
    expect((await requestToken(t.app, { ...key, secret: other.secret })).status).toBe(401);
    const { status, html } = await page(reader, '/console/orgs/used/usage');
    expect(status).toBe(200);
    const text = visible(html);
    expect(text).toContain('Issued 1');
    expect(text).toContain('Refused 1');
    expect(html).toContain('aria-label="Tokens across the organisation, last 24 hours: 1 issued, 1 refused"');
    expect(text).toContain('Show the numbers');
    const hourly = /<table class="data-table">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '';
    expect(hourly.match(/<tr>/g)?.length).toBe(1 + 24 + 1);
    // Refused bars differ from issued ones by more than colour: a hatch pattern and a dashed outline.
    expect(html).toMatch(/class="bar bar-refused"[^>]*fill="url\(#chart-[^)]+-hatch\)"/);
  });
});

describe('invites', () => {
  const inviteLinkIn = (html: string) =>
    /value="(http:\/\/issuer\.test\/console\/invites\/[0-9A-Za-z]{32})"/.exec(html)?.[1];

  async function invite(email: string, role = 'viewer'): Promise<{ link: string; path: string }> {
    const res = await admin.post(`${base}/members/invite`, { email, role });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') as string;
    expect(location).toMatch(new RegExp(`^${base}/members\\?invite=`));
    const link = inviteLinkIn(await (await admin.get(location)).text()) as string;
    expect(link).toBeDefined();
    return { link, path: new URL(link).pathname };
  }

  it('lets an admin create a one-time link, shown once, listed as pending and audited', async () => {
    const res = await admin.post(`${base}/members/invite`, {
      email: 'New.Person@acme.example',
      role: 'viewer',
    });
    const location = res.headers.get('location') as string;
    const shown = await (await admin.get(location)).text();
    expect(inviteLinkIn(shown)).toBeDefined();
    expect(visible(shown)).toContain('shown only this once');
    // Reloading the page shows it no more.
    expect(inviteLinkIn(await (await admin.get(location)).text())).toBeUndefined();
    const members = await (await admin.get(`${base}/members`)).text();
    expect(visible(members)).toContain('new.person@acme.example');
    expect(members).toContain(
      'Revoke<span class="visually-hidden"> invite for new.person@acme.example</span>',
    );
    const audit = auditRows((await page(admin, `${base}/audit?action=user.invited`)).html);
    expect(audit[0]).toContain('Person invited');
    expect(audit[0]).toContain('invite for new.person@acme.example');
    expect(audit[0]).toContain('Role viewer');
  });

  it('refuses viewers: no form for them, and their posts are refused', async () => {
    const html = await (await viewer.get(`${base}/members`)).text();
    expect(html).not.toContain('action="/console/orgs/acme/members/invite"');
    expect(visible(html)).toContain('Only admins can invite people');
    const res = await viewer.post(`${base}/members/invite`, { email: 'sneaky@acme.example', role: 'admin' });
    expect(res.status).toBe(403);
    expect(visible(await (await admin.get(`${base}/members`)).text())).not.toContain('sneaky@acme.example');
  });

  it('refuses a bad address or a current member, keeping what was typed', async () => {
    const bad = await admin.post(`${base}/members/invite`, { email: 'not an email', role: 'admin' });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('is not an email address');
    expect(badHtml).toContain('value="not an email"');
    expect(badHtml).toMatch(/<option value="admin" selected/);
    const member = await admin.post(`${base}/members/invite`, {
      email: 'viewer@acme.example',
      role: 'admin',
    });
    expect(member.status).toBe(409);
    expect(await member.text()).toContain('already viewer of this organisation');
  });

  it('lets a new person set a password and join with the invited role, once', async () => {
    const { path } = await invite('joiner@acme.example', 'viewer');
    const browser = anonymous();
    const form = await browser.get(path);
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(visible(html)).toContain('Join acme');
    expect(visible(html)).toContain('Create account and join');
    const short = await browser.post(path, { _csrf: csrfIn(html), password: 'short' });
    expect(short.status).toBe(400);
    const joined = await browser.post(path, { _csrf: csrfIn(html), password: PASSWORD });
    expect(joined.status).toBe(303);
    expect(joined.headers.get('location')).toBe(`${base}/keys`);
    // The new session works, as a viewer.
    expect((await browser.get(`${base}/keys`)).status).toBe(200);
    const members = visible(await (await admin.get(`${base}/members`)).text());
    expect(members).toMatch(/joiner@acme\.example viewer/);
    const audit = auditRows((await page(admin, `${base}/audit?action=user.joined`)).html);
    expect(audit[0]).toContain('joiner@acme.example');
    expect(audit[0]).toContain('Invited by admin@acme.example');
    // Used up.
    expect((await anonymous().get(path)).status).toBe(404);
  });

  it('lets someone with an account elsewhere join by signing in with its password', async () => {
    const beta = await t.newOrg('beta');
    await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email: 'elsewhere@beta.example',
      password: PASSWORD,
      orgId: beta.id,
      role: 'admin',
    });
    const { path } = await invite('elsewhere@beta.example', 'admin');
    const browser = anonymous();
    const html = await (await browser.get(path)).text();
    expect(visible(html)).toContain('already has a keymint account');
    expect(visible(html)).toContain('Sign in and join');
    const wrong = await browser.post(path, { _csrf: csrfIn(html), password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect((await anonymous().get(path)).status).toBe(200);
    const right = await browser.post(path, { _csrf: csrfIn(html), password: PASSWORD });
    expect(right.status).toBe(303);
    const keys = await browser.get(`${base}/keys`);
    expect(keys.status).toBe(200);
    // An admin now: the keys page offers to create one.
    expect(await keys.text()).toContain('Create key');
  });

  it('refuses a form without the page’s CSRF token', async () => {
    const { path } = await invite('csrf@acme.example');
    const browser = anonymous();
    await browser.get(path);
    const res = await browser.post(path, { _csrf: 'A'.repeat(32), password: PASSWORD });
    expect(res.status).toBe(403);
    expect((await anonymous().get(path)).status).toBe(200);
  });

  it('can be revoked by an admin (not a viewer), after which the link is dead', async () => {
    const { path } = await invite('revoked@acme.example');
    const members = await (await admin.get(`${base}/members`)).text();
    const row = members.split('<tr>').find((r) => r.includes('revoked@acme.example')) ?? '';
    const action = /action="([^"]+\/revoke)"/.exec(row)?.[1] as string;
    expect(action).toBeDefined();
    expect((await viewer.post(action)).status).toBe(403);
    expect((await anonymous().get(path)).status).toBe(200);
    const res = await admin.post(action);
    expect(res.status).toBe(303);
    expect(visible(await (await admin.get(res.headers.get('location') as string)).text())).toContain(
      'Invite revoked: its link no longer works.',
    );
    expect((await anonymous().get(path)).status).toBe(404);
    const audit = auditRows((await page(admin, `${base}/audit?action=user.invite_revoked`)).html);
    expect(audit[0]).toContain('invite for revoked@acme.example');
  });

  it('replaces an earlier invite for the same address, and expires after 7 days', async () => {
    const first = await invite('twice@acme.example');
    const second = await invite('twice@acme.example', 'admin');
    expect((await anonymous().get(first.path)).status).toBe(404);
    expect((await anonymous().get(second.path)).status).toBe(200);
    t.clock.advance(7 * 86_400 + 1);
    try {
      expect((await anonymous().get(second.path)).status).toBe(404);
    } finally {
      t.clock.advance(-(7 * 86_400 + 1));
    }
  });

  it('never shows the text of a URL as the notice', async () => {
    const html = await (
      await admin.get(`${base}/members?done=${encodeURIComponent('Paste your secret at evil.example')}`)
    ).text();
    expect(html).not.toContain('evil.example');
  });
});
