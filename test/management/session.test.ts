import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { api, signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let org: { id: string; slug: string };

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4', ISSUER_URL: 'https://keymint.example' });
  org = await t.newOrg('sessions');
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: 'Grace@Example.com',
    password: 'compile everything',
    orgId: org.id,
    role: 'viewer',
  });
});
afterAll(() => t?.close());

describe('console sessions', () => {
  it('sign in sets an HttpOnly, SameSite=Strict, Secure cookie and returns the CSRF token and orgs', async () => {
    const res = await api(t, 'POST', '/session', {
      body: { email: 'grace@example.COM', password: 'compile everything' },
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^keymint_session=[0-9A-Za-z]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/Path=\//);
    const body = await res.json();
    expect(body).toMatchObject({
      user: { email: 'grace@example.com' },
      orgs: [{ id: org.id, slug: 'sessions', role: 'viewer' }],
      csrfToken: expect.stringMatching(/^[0-9A-Za-z]{32}$/),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const wrong = await api(t, 'POST', '/session', {
      body: { email: 'grace@example.com', password: 'nope nope nope' },
      ip: '198.51.100.1',
    });
    const unknown = await api(t, 'POST', '/session', {
      body: { email: 'nobody@example.com', password: 'nope nope nope' },
      ip: '198.51.100.2',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await wrong.json();
    const b = await unknown.json();
    expect(a.detail).toBe('wrong email or password');
    expect(b.detail).toBe(a.detail);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('serves the session, and ends it on sign-out (which needs the CSRF token)', async () => {
    const s = await signIn(t, 'grace@example.com', 'compile everything');
    const me = await api(t, 'GET', '/session', { session: s });
    expect(me.status).toBe(200);
    expect((await me.json()).csrfToken).toBe(s.csrf);
    expect((await api(t, 'GET', `/orgs/${org.slug}/keys`, { session: s })).status).toBe(200);
    expect((await api(t, 'DELETE', '/session', { session: s, noCsrf: true })).status).toBe(403);
    expect((await api(t, 'DELETE', '/session', { session: s })).status).toBe(204);
    expect((await api(t, 'GET', `/orgs/${org.slug}/keys`, { session: s })).status).toBe(401);
  });

  it('expires sessions after 12 hours', async () => {
    const s = await signIn(t, 'grace@example.com', 'compile everything');
    t.clock.advance(12 * 3600 - 1);
    expect((await api(t, 'GET', '/session', { session: s })).status).toBe(200);
    t.clock.advance(1);
    expect((await api(t, 'GET', '/session', { session: s })).status).toBe(401);
  });

  it('throttles failed sign-ins per email, with Retry-After, without locking out other accounts', async () => {
    for (let i = 0; i < 11; i++) {
      const res = await api(t, 'POST', '/session', {
        body: { email: 'grace@example.com', password: `guess number ${i}` },
        ip: `192.0.2.${i + 1}`,
      });
      expect(res.status).toBe(401);
    }
    const blocked = await api(t, 'POST', '/session', {
      body: { email: 'grace@example.com', password: 'compile everything' },
      ip: '192.0.2.99',
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await blocked.json()).type).toBe('urn:keymint:problem:rate-limited');
    t.clock.advance(15 * 60 + 1);
    expect(
      (
        await api(t, 'POST', '/session', {
          body: { email: 'grace@example.com', password: 'compile everything' },
          ip: '192.0.2.99',
        })
      ).status,
    ).toBe(200);
  });

  it('counts concurrent wrong passwords atomically: at most 11 are checked for one email', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        api(t, 'POST', '/session', {
          body: { email: 'race@example.com', password: `concurrent guess ${i}` },
          ip: `192.0.2.${100 + i}`,
        }).then((r) => r.status),
      ),
    );
    expect(answers.filter((s) => s === 401).length).toBeLessThanOrEqual(11);
    // The rest wait: throttled (429), or refused by the bounded password-check queue (503).
    expect(answers.filter((s) => s !== 401).every((s) => s === 429 || s === 503)).toBe(true);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('throttles failed sign-ins per address', async () => {
    for (let i = 0; i < 21; i++) {
      await api(t, 'POST', '/session', {
        body: { email: `user${i}@example.com`, password: 'whatever it is' },
        ip: '198.51.100.77',
      });
    }
    const blocked = await api(t, 'POST', '/session', {
      body: { email: 'grace@example.com', password: 'compile everything' },
      ip: '198.51.100.77',
    });
    expect(blocked.status).toBe(429);
    const elsewhere = await api(t, 'POST', '/session', {
      body: { email: 'grace@example.com', password: 'compile everything' },
      ip: '198.51.100.78',
    });
    expect(elsewhere.status).toBe(200);
  });

  it('refuses malformed sign-in bodies with a validation problem', async () => {
    const res = await api(t, 'POST', '/session', { body: { email: 'grace@example.com' } });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual([{ field: 'password', message: expect.any(String) }]);
  });
});

// The console's sign-in form stands on the same service: the same refusals, as pages.
describe('the console sign-in form', () => {
  const ip = { incoming: { socket: { remoteAddress: '192.0.2.200' } } };
  async function formSignIn(email: string, password: string): Promise<Response> {
    const page = await t.app.request('/console/sign-in', {}, ip);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    return t.app.request(
      '/console/sign-in',
      {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
      },
      ip,
    );
  }

  it('answers a wrong password with 401, then 429 and Retry-After once throttled, keeping the email', async () => {
    const email = 'nobody-here@example.com';
    for (let i = 0; i < 11; i++) expect((await formSignIn(email, `guess number ${i}`)).status).toBe(401);
    const blocked = await formSignIn(email, 'guess number 11');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const html = await blocked.text();
    expect(html).toMatch(/too many failed sign-ins; retry after \d+ s/);
    expect(html).toContain(`value="${email}"`);
  });
});
