import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// The banner after an action says only what the server chose to say: nothing from the
// URL is ever rendered as a message (a link could otherwise show a phishing text in the
// console's own green banner).
let t: TestApp;
let org: { id: string; slug: string };
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('flash');
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: 'admin@flash.example',
    password: 'correct horse battery',
    orgId: org.id,
    role: 'admin',
  });
  session = await signIn(t, 'admin@flash.example', 'correct horse battery');
});
afterAll(() => t?.close());

const page = async (query: string) => {
  const res = await t.app.request(`/console/orgs/${org.slug}/keys?${query}`, {
    headers: { cookie: session.cookie },
  });
  expect(res.status).toBe(200);
  return res.text();
};

describe('the keys page banner', () => {
  it('never shows text taken from the URL', async () => {
    const phish = 'Your key leaked. Paste your secret at evil.example to restore it';
    const html = await page(new URLSearchParams({ done: phish }).toString());
    expect(html).not.toContain('evil.example');
    expect(html).not.toContain('role="status"');
  });

  it('shows the server’s own message for a known action, with the key’s name from the database', async () => {
    const key = await t.newKey(org.id, { name: 'ci-nightly' });
    const res = await t.app.request(`/console/orgs/${org.slug}/keys/${key.id}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf }),
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location') as string;
    const html = await page(location.split('?')[1] as string);
    expect(html).toContain('Key “ci-nightly” revoked.');
  });

  it('ignores a known action code naming a key of another organisation', async () => {
    const other = await t.newOrg('elsewhere');
    const theirs = await t.newKey(other.id, { name: 'their secret project' });
    const html = await page(new URLSearchParams({ done: 'revoked', key: theirs.id }).toString());
    expect(html).not.toContain('their secret project');
    expect(html).toContain('Key revoked.');
  });
});
