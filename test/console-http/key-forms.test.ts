import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findKey } from '../../src/api-keys/find-key';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// The console's forms as a browser posts them, over app.request(): what each does to
// the key, what the next page says, and who may post at all. (The browser suite drives
// the same pages in Chromium; these run in `npm test`.)
let t: TestApp;
let org: { id: string; slug: string };
let admin: ConsoleUser;
let viewer: ConsoleUser;
let keys: string;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('forms');
  admin = await consoleUser(t, org.id, 'admin@forms.example');
  viewer = await consoleUser(t, org.id, 'viewer@forms.example', 'viewer');
  keys = `/console/orgs/${org.slug}/keys`;
});
afterAll(() => t?.close());

/** Follows a 303 as a browser would, returning the page it lands on. */
async function follow(
  user: ConsoleUser,
  res: Response,
): Promise<{ path: string; html: string; status: number }> {
  expect(res.status).toBe(303);
  const path = res.headers.get('location') as string;
  const page = await user.get(path);
  return { path, html: await page.text(), status: page.status };
}

const secretIn = (html: string) => /kms_[0-9A-Za-z]{49}/.exec(html)?.[0];

describe('create', () => {
  it('creates the key and reveals its secret exactly once', async () => {
    const res = await admin.post(keys, {
      name: 'from the form',
      scopes: ['read:subjects'],
      expiresIn: '30d',
    });
    const reveal = await follow(admin, res);
    const secret = secretIn(reveal.html);
    expect(secret).toBeDefined();
    const clientId = /km_[0-9A-Za-z]{22}/.exec(reveal.html)?.[0] as string;
    expect((await requestToken(t.app, { clientId, secret: secret as string })).status).toBe(200);
    const again = await admin.get(reveal.path);
    expect(again.status).toBe(410);
    expect(secretIn(await again.text())).toBeUndefined();
  });

  it('keeps what was typed and names the problem when a field is wrong', async () => {
    const res = await admin.post(keys, { name: 'kept name', scopes: ['read:planets'], expiresIn: '30d' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('kept name');
    expect(html).toContain('read:planets');
  });
});

describe('row actions', () => {
  it('rotate: a new secret is revealed, and the old one stops at once without a grace period', async () => {
    const key = await t.newKey(org.id, { name: 'to rotate', scopes: ['read:subjects'] });
    const reveal = await follow(
      admin,
      await admin.post(`${keys}/${key.id}/rotate`, { gracePeriodSeconds: '0' }),
    );
    const secret = secretIn(reveal.html) as string;
    expect(secret).not.toBe(key.secret);
    expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(200);
    expect((await requestToken(t.app, key)).status).toBe(401);
  });

  it('disable, enable, revoke, then delete', async () => {
    const key = await t.newKey(org.id, { name: 'lifecycle', scopes: ['read:subjects'] });
    const status = async () =>
      (await findKey(t.deps.db, org.id, key.id).then(
        (k) => (k.revokedAt ? 'revoked' : k.enabled ? 'active' : 'disabled'),
        () => 'gone',
      )) as string;
    expect(
      (await follow(admin, await admin.post(`${keys}/${key.id}/enabled`, { enabled: 'false' }))).html,
    ).toContain('Key “lifecycle” disabled.');
    expect(await status()).toBe('disabled');
    expect((await requestToken(t.app, key)).status).toBe(401);
    await follow(admin, await admin.post(`${keys}/${key.id}/enabled`, { enabled: 'true' }));
    expect(await status()).toBe('active');
    expect((await follow(admin, await admin.post(`${keys}/${key.id}/revoke`))).html).toContain(
      'Key “lifecycle” revoked.',
    );
    expect(await status()).toBe('revoked');
    expect((await follow(admin, await admin.post(`${keys}/${key.id}/delete`))).html).toContain(
      'Key deleted.',
    );
    expect(await status()).toBe('gone');
  });

  it('refuses to delete a key that is still active, saying why', async () => {
    const key = await t.newKey(org.id, { name: 'still active', scopes: ['read:subjects'] });
    const res = await admin.post(`${keys}/${key.id}/delete`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/is active; revoke it before deleting it/);
    expect((await findKey(t.deps.db, org.id, key.id)).deletedAt).toBeNull();
  });
});

describe('who may post', () => {
  it('refuses a form without the session’s CSRF token, changing nothing', async () => {
    const key = await t.newKey(org.id, { name: 'csrf target', scopes: ['read:subjects'] });
    const res = await admin.post(`${keys}/${key.id}/revoke`, {}, { csrf: false });
    expect(res.status).toBe(403);
    expect((await findKey(t.deps.db, org.id, key.id)).revokedAt).toBeNull();
  });

  it('refuses every change from a viewer with 403, changing nothing', async () => {
    const key = await t.newKey(org.id, { name: 'viewer target', scopes: ['read:subjects'] });
    for (const [path, form] of [
      [keys, { name: 'by a viewer', scopes: ['read:subjects'], expiresIn: '30d' }],
      [`${keys}/${key.id}/rotate`, { gracePeriodSeconds: '0' }],
      [`${keys}/${key.id}/revoke`, {}],
      [`${keys}/${key.id}/enabled`, { enabled: 'false' }],
      [`${keys}/${key.id}/update`, { name: 'renamed by a viewer' }],
    ] as const) {
      const res = await viewer.post(path, form as Record<string, string | string[]>);
      expect(res.status, path).toBe(403);
    }
    const after = await findKey(t.deps.db, org.id, key.id);
    expect(after).toMatchObject({ name: 'viewer target', enabled: true, revokedAt: null, rotatedAt: null });
    expect((await requestToken(t.app, key)).status).toBe(200);
  });

  it('lets a viewer read the keys page', async () => {
    const res = await viewer.get(keys);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('viewer target');
  });
});
