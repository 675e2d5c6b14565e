import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Every console page comes in the same frame: standards mode (a page without a doctype
// renders in quirks mode), a language, landmarks and a way to skip to the content.
let t: TestApp;
let org: { id: string; slug: string };
let admin: ConsoleUser;
let keyId: string;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('frame');
  admin = await consoleUser(t, org.id, 'admin@frame.example');
  keyId = (await t.newKey(org.id, { name: 'framed' })).id;
});
afterAll(() => t?.close());

describe('the page frame', () => {
  it('starts every page, public or not, found or not, with the doctype', async () => {
    const signIn = await t.app.request('/console/sign-in');
    const pages = [
      ['/console/sign-in', signIn],
      ...(await Promise.all(
        [
          `/console/orgs/${org.slug}/keys`,
          `/console/orgs/${org.slug}/keys/new`,
          `/console/orgs/${org.slug}/keys/${keyId}`,
          `/console/orgs/${org.slug}/keys/${keyId}/rotate`,
          `/console/orgs/${org.slug}/keys/${keyId}/reveal/00000000-0000-0000-0000-000000000000`,
          `/console/orgs/${org.slug}/federations`,
          `/console/orgs/${org.slug}/federations/new`,
          `/console/orgs/${org.slug}/usage`,
          `/console/orgs/${org.slug}/audit`,
          `/console/orgs/${org.slug}/integrate`,
          '/console/orgs/nowhere/keys',
          '/console/setup/not-a-link',
        ].map(async (path) => [path, await admin.get(path)] as const),
      )),
    ] as const;
    for (const [path, res] of pages) {
      const html = await res.text();
      expect(html.slice(0, 15).toLowerCase(), path).toBe('<!doctype html>');
      expect(html, path).toContain('<html lang="en">');
    }
  });

  it('has landmarks, a skip link and the current page marked in the navigation', async () => {
    const html = await (await admin.get(`/console/orgs/${org.slug}/keys`)).text();
    expect(html).toMatch(/<a class="skip-link" href="#main">Skip to content<\/a>/);
    expect(html).toMatch(/<header class="site-header">/);
    expect(html).toMatch(/<nav class="site-nav" aria-label="Main">/);
    expect(html).toMatch(/<main id="main" tabindex="-1"/);
    expect(html).toMatch(/<a href="\/console\/orgs\/frame\/keys" aria-current="page">Keys<\/a>/);
    expect(html).toContain('<title>API keys · frame · keymint</title>');
  });
});
