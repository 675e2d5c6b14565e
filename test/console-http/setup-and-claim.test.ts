import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { listAuditEvents } from '../../src/audit/list-audit';
import { createUser } from '../../src/auth/users';
import { orgs } from '../../src/db/schema/index';
import { createOrg } from '../../src/orgs/create-org';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';

// The one-time set-up link over app.request(): claiming an organisation the CLI made
// (nobody belongs to it yet), refusing one that has members, and the link living in the
// database, so a restart (another instance on the same database) still honours it.
let t: TestApp;
let second: SecondInstance;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  second = await startSecondInstance(t);
});
afterAll(async () => {
  await second?.stop();
  await t?.close();
});

type App = { request: TestApp['app']['request'] };

/** A browser without a session on one instance: it keeps the cookies it is given. */
function visitor(app: App = t.app) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = async (res: Response | Promise<Response>) => {
    const r = await res;
    for (const c of r.headers.getSetCookie()) {
      const [k = '', v = ''] = (c.split(';')[0] ?? '').split('=');
      jar.set(k, v);
    }
    return r;
  };
  return {
    get: (path: string) => keep(app.request(path, { headers: { cookie: cookie() } })),
    post: (path: string, form: Record<string, string>) =>
      keep(
        app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
          body: new URLSearchParams(form),
        }),
      ),
  };
}

const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
const newLink = async () => `/console/setup/${await t.deps.setupLink.issue(t.clock.now())}`;

/** Like `keymint org create`: an organisation nobody belongs to. */
const cliOrg = (slug: string, name: string) =>
  createOrg(t.deps.db, t.clock.now(), operatorActor(), { slug, name });

describe('claiming an organisation through the set-up link', () => {
  it('lists the organisations without members and lets the first admin claim one, once', async () => {
    const acme = await cliOrg('acme', 'Acme Corp');
    const link = await newLink();
    const browser = visitor();
    const choose = await browser.get(link);
    expect(choose.status).toBe(200);
    const chooseHtml = await choose.text();
    expect(text(chooseHtml)).toContain('Organisations without members');
    expect(chooseHtml).toContain(`href="${link}?org=acme"`);
    expect(text(chooseHtml)).toContain('Claim Acme Corp');
    expect(chooseHtml).toContain(`href="${link}?new=1"`);

    const form = await browser.get(`${link}?org=acme`);
    const html = await form.text();
    expect(text(html)).toContain('exists and has no members yet');
    const res = await browser.post(link, {
      _csrf: csrfIn(html),
      org: 'acme',
      email: 'First@Acme.example',
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/orgs/acme/keys');
    const keys = await browser.get('/console/orgs/acme/keys');
    expect(keys.status).toBe(200);
    expect(await keys.text()).toContain('first@acme.example');

    const events = await listAuditEvents(t.deps.db, acme.id, {});
    const claimed = events.items.find((e) => e.action === 'org.claimed');
    expect(claimed?.actor).toEqual({ type: 'system', id: 'setup link' });
    expect(claimed?.details).toEqual({ slug: 'acme', email: 'first@acme.example' });
    expect(events.items.some((e) => e.action === 'user.created')).toBe(true);
    // Spent.
    expect((await visitor().get(link)).status).toBe(404);
  });

  it('refuses to claim an organisation that has members, and the link stays usable', async () => {
    const taken = await cliOrg('taken', 'Taken Ltd');
    await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email: 'owner@taken.example',
      password: PASSWORD,
      orgId: taken.id,
      role: 'admin',
    });
    const link = await newLink();
    const browser = visitor();
    const asked = await browser.get(`${link}?org=taken`);
    expect(asked.status).toBe(404);
    const askedHtml = await asked.text();
    expect(text(askedHtml)).toContain('“taken” cannot be claimed');
    const res = await browser.post(link, {
      _csrf: csrfIn(askedHtml),
      org: 'taken',
      email: 'intruder@example.com',
      password: PASSWORD,
    });
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain('“taken” already has members, so it cannot be claimed');
    // Nothing changed: still one member; the link still opens.
    expect((await visitor().get(link)).status).toBe(200);
    const signIn = await t.app.request('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'intruder@example.com', password: PASSWORD }),
    });
    expect(signIn.status).toBe(401);
  });

  it('lets someone with an account claim with its password, refused (and audited) when wrong', async () => {
    const delta = await cliOrg('delta', 'Delta');
    const link = await newLink();
    const browser = visitor();
    const html = await (await browser.get(`${link}?org=delta`)).text();
    const wrong = await browser.post(link, {
      _csrf: csrfIn(html),
      org: 'delta',
      email: 'owner@taken.example',
      password: 'a guess at the password',
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('wrong email or password');
    const [takenOrg] = await t.deps.db.select().from(orgs).where(eq(orgs.slug, 'taken'));
    const failures = await listAuditEvents(t.deps.db, takenOrg?.id as string, {
      action: 'user.sign_in_failed',
    });
    expect(failures.items).toHaveLength(1);
    const right = await browser.post(link, {
      _csrf: csrfIn(html),
      org: 'delta',
      email: 'owner@taken.example',
      password: PASSWORD,
    });
    expect(right.status).toBe(303);
    expect((await browser.get('/console/orgs/delta/keys')).status).toBe(200);
    // The same account, now in both organisations.
    expect((await browser.get('/console/orgs/taken/keys')).status).toBe(200);
    const events = await listAuditEvents(t.deps.db, delta.id, {});
    expect(events.items.map((e) => e.action)).toContain('user.role_granted');
  });

  it('still creates a new organisation, and keeps what was typed when refused', async () => {
    const link = await newLink();
    const browser = visitor();
    const html = await (await browser.get(`${link}?new=1`)).text();
    expect(html).toContain('Organisation name');
    const clash = await browser.post(link, {
      _csrf: csrfIn(html),
      orgName: 'Taken again',
      slug: 'taken',
      email: 'someone@example.com',
      password: PASSWORD,
    });
    expect(clash.status).toBe(409);
    const clashHtml = await clash.text();
    expect(clashHtml).toContain('value="Taken again"');
    expect(clashHtml).toContain('value="someone@example.com"');
    const ok = await browser.post(link, {
      _csrf: csrfIn(html),
      orgName: 'Fresh',
      slug: 'fresh',
      email: 'someone@example.com',
      password: PASSWORD,
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/orgs/fresh/keys');
  });
});

describe('the set-up link across restarts', () => {
  it('works on another instance of the same database (what a restart amounts to)', async () => {
    await cliOrg('restarted', 'Restarted Inc');
    const link = await newLink();
    // The instance that printed the link is gone from this browser's point of view.
    const browser = visitor(second.app);
    const page = await browser.get(`${link}?org=restarted`);
    expect(page.status).toBe(200);
    const res = await browser.post(link, {
      _csrf: csrfIn(await page.text()),
      org: 'restarted',
      email: 'admin@restarted.example',
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    // Spent everywhere.
    expect((await visitor(t.app).get(link)).status).toBe(404);
    expect((await visitor(second.app).get(link)).status).toBe(404);
  });

  it('keeps earlier links valid when a new one is printed; the first one used spends them all', async () => {
    const earlier = await newLink();
    const later = await newLink();
    expect((await visitor().get(earlier)).status).toBe(200);
    expect((await visitor().get(later)).status).toBe(200);
    const browser = visitor();
    const html = await (await browser.get(`${earlier}?new=1`)).text();
    const res = await browser.post(earlier, {
      _csrf: csrfIn(html),
      orgName: 'Both',
      slug: 'both',
      email: 'both@example.com',
      password: PASSWORD,
    });
    expect(res.status).toBe(303);
    expect((await visitor().get(later)).status).toBe(404);
  });

  it('expires after an hour', async () => {
    const link = await newLink();
    t.clock.advance(3600);
    try {
      const res = await visitor().get(link);
      expect(res.status).toBe(404);
      expect(text(await res.text())).toContain('This set-up link is used up or expired');
    } finally {
      t.clock.advance(-3600);
    }
  });
});
