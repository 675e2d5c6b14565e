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
  org = await t.newOrg('forms', 1000);
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

  it('rotate without a choice keeps the old secret for the default hour; the reveal says until when', async () => {
    const key = await t.newKey(org.id, { name: 'graceful', scopes: ['read:subjects'] });
    const reveal = await follow(admin, await admin.post(`${keys}/${key.id}/rotate`));
    const secret = secretIn(reveal.html) as string;
    expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(200);
    expect((await requestToken(t.app, key)).status).toBe(200);
    const until = new Date(t.clock.now().getTime() + 3_600_000).toISOString();
    const shown = `${until.slice(0, 10)} ${until.slice(11, 16)} UTC`;
    expect(reveal.html).toContain(
      `The old secret keeps working until <time datetime="${until}">${shown}</time> (in 1 hour)`,
    );
    t.clock.advance(3601);
    expect((await requestToken(t.app, key)).status).toBe(401);
    t.clock.advance(-3601);
  });

  it('rotate with 24 hours says so; without grace the reveal says nothing about the old secret', async () => {
    const key = await t.newKey(org.id, { name: 'day grace', scopes: ['read:subjects'] });
    const day = await follow(
      admin,
      await admin.post(`${keys}/${key.id}/rotate`, { gracePeriodSeconds: '86400' }),
    );
    expect(day.html).toContain('(in 24 hours)');
    const none = await follow(
      admin,
      await admin.post(`${keys}/${key.id}/rotate`, { gracePeriodSeconds: '0' }),
    );
    expect(none.html).not.toContain('old secret keeps working');
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

describe('asking first', () => {
  const formsIn = (html: string, action: string) =>
    [...html.matchAll(new RegExp(`<form method="post" action="[^"]*/${action}"`, 'g'))].map(
      (m) => m.index ?? 0,
    );
  /** Whether a position in the page lies inside a <dialog> element. */
  const inDialog = (html: string, at: number) =>
    html.lastIndexOf('<dialog', at) > html.lastIndexOf('</dialog>', at);

  it('the list names each row button with its key, and every change there is a dialog asking first', async () => {
    const key = await t.newKey(org.id, { name: 'ci-nightly', scopes: ['read:subjects'] });
    const html = await (await admin.get(keys)).text();
    for (const verb of ['Rotate', 'Disable', 'Revoke']) {
      expect(html).toContain(`aria-label="${verb} ci-nightly"`);
      expect(html).toMatch(new RegExp(`data-dialog="${verb.toLowerCase()}-${key.id}"`));
    }
    expect(html).toContain(`<h2 id="rotate-${key.id}-title">Rotate “ci-nightly”?</h2>`);
    expect(html).toContain('Revoke “ci-nightly”?');
    expect(html).toContain('Disable “ci-nightly”?');
    // No form changes a key in one click: each posting form sits inside its dialog.
    for (const action of ['rotate', 'revoke', 'enabled']) {
      const found = formsIn(html, action);
      expect(found.length, action).toBeGreaterThan(0);
      for (const at of found) expect(inDialog(html, at), action).toBe(true);
    }
    // Every dialog can be cancelled.
    const dialogs = html.match(/<dialog[\s\S]*?<\/dialog>/g) ?? [];
    expect(dialogs.length).toBeGreaterThan(3);
    for (const d of dialogs) expect(d).toMatch(/<button type="button" data-close[^>]*>Cancel<\/button>/);
  });

  it('rotate offers the grace periods, one hour chosen, each said in a line', async () => {
    const key = await t.newKey(org.id, { name: 'presets', scopes: ['read:subjects'] });
    const res = await admin.get(`${keys}/${key.id}/rotate`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Rotate “presets”?</h1>');
    const radios = [
      ...html.matchAll(
        /<input id="confirm-grace-(\d+)" type="radio" name="gracePeriodSeconds" value="(\d+)"( checked="")?/g,
      ),
    ];
    expect(radios.map((m) => [m[2], Boolean(m[3])])).toEqual([
      ['0', false],
      ['3600', true],
      ['86400', false],
    ]);
    expect(html).toContain('The old secret stops working now.');
    expect(html).toContain('Both secrets work for an hour');
    expect(html).toMatch(new RegExp(`<form method="post" action="${keys}/${key.id}/rotate">`));
    expect(html).toContain(`<a class="button" href="${keys}">Cancel</a>`);
    // Nothing happened yet.
    expect((await findKey(t.deps.db, org.id, key.id)).rotatedAt).toBeNull();
  });

  it('revoke, disable and delete have a confirmation page naming the key; Cancel leads back', async () => {
    const key = await t.newKey(org.id, { name: 'confirm-me', scopes: ['read:subjects'] });
    for (const [action, question] of [
      ['revoke', 'Revoke “confirm-me”?'],
      ['disable', 'Disable “confirm-me”?'],
      ['delete', 'Delete “confirm-me”?'],
    ] as const) {
      const res = await admin.get(`${keys}/${key.id}/${action}?from=key`);
      expect(res.status, action).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<h1>${question}</h1>`);
      expect(html).toContain(`<a class="button" href="${keys}/${key.id}">Cancel</a>`);
    }
    const after = await findKey(t.deps.db, org.id, key.id);
    expect(after).toMatchObject({ enabled: true, revokedAt: null, deletedAt: null });
    expect((await viewer.get(`${keys}/${key.id}/revoke`)).status).toBe(403);
  });

  it('saving changed scopes or IP ranges lists what changes and saves only when confirmed', async () => {
    const key = await t.newKey(org.id, {
      name: 'in use',
      scopes: ['read:subjects', 'write:subjects'],
      allowedCidrs: ['203.0.113.0/24'],
    });
    const form = {
      access: '1',
      scopes: ['read:subjects', 'read:keys'],
      allowedCidrs: '203.0.113.0/24\n198.51.100.0/24',
      tokenTtlSeconds: '',
    };
    const ask = await admin.post(`${keys}/${key.id}/update`, form);
    expect(ask.status).toBe(200);
    const html = await ask.text();
    expect(html).toContain('<h1>Save changes to “in use”?</h1>');
    expect(html).toContain('Calls made with this key may break');
    expect(html).toMatch(
      /Scopes removed — calls that need them will be refused: <code>write:subjects<\/code>/,
    );
    expect(html).toMatch(/Scopes added: <code>read:keys<\/code>/);
    expect(html).toMatch(/IP ranges added: <code>198\.51\.100\.0\/24<\/code>/);
    expect(html).toContain(`<a class="button" href="${keys}/${key.id}">Cancel</a>`);
    expect((await findKey(t.deps.db, org.id, key.id)).scopes).toEqual(['read:subjects', 'write:subjects']);

    // The confirming form carries the same values back.
    const hidden = Object.fromEntries(
      [
        ...html.matchAll(
          /<input type="hidden" name="(access|confirmed|allowedCidrs|tokenTtlSeconds)" value="([^"]*)"/g,
        ),
      ].map((m) => [m[1], m[2]]),
    );
    const scopes = [...html.matchAll(/<input type="hidden" name="scopes" value="([^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    expect(hidden).toMatchObject({ access: '1', confirmed: '1' });
    const saved = await admin.post(`${keys}/${key.id}/update`, { ...hidden, scopes } as Record<
      string,
      string | string[]
    >);
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('Saved.');
    const after = await findKey(t.deps.db, org.id, key.id);
    expect([...after.scopes].sort()).toEqual(['read:keys', 'read:subjects']);
    expect(after.allowedCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/24']);
  });

  it('a change of token lifetime alone, or a rename, saves at once', async () => {
    const key = await t.newKey(org.id, { name: 'ttl only', scopes: ['read:subjects'] });
    const res = await admin.post(`${keys}/${key.id}/update`, {
      access: '1',
      scopes: ['read:subjects'],
      allowedCidrs: '',
      tokenTtlSeconds: '600',
    });
    expect(await res.text()).toContain('Saved.');
    expect((await findKey(t.deps.db, org.id, key.id)).tokenTtlSeconds).toBe(600);
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
