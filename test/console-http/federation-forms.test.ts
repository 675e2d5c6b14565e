import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { findFederation } from '../../src/federation/find-federation';
import { type ConsoleUser, consoleUser } from '../helpers/console-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// The console's federation pages and forms as a browser posts them, over app.request():
// what each form does to the federation, what the next page says, and who may post.
const GITHUB = 'https://token.actions.githubusercontent.com';

let t: TestApp;
let org: { id: string; slug: string };
let admin: ConsoleUser;
let viewer: ConsoleUser;
let feds: string;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4', FEDERATION_ISSUERS: `${GITHUB},http://127.0.0.1:9` });
  org = await t.newOrg('fed-forms');
  admin = await consoleUser(t, org.id, 'admin@fed-forms.example');
  viewer = await consoleUser(t, org.id, 'viewer@fed-forms.example', 'viewer');
  feds = `/console/orgs/${org.slug}/federations`;
});
afterAll(() => t?.close());

/** Follows a 303 as a browser would, returning the page it lands on. */
async function follow(
  user: ConsoleUser,
  res: Response,
): Promise<{ path: string; html: string; status: number }> {
  expect(res.status, await res.clone().text()).toBe(303);
  const path = res.headers.get('location') as string;
  const page = await user.get(path);
  return { path, html: await page.text(), status: page.status };
}

/** Text as the browser shows it (hono's JSX escapes these). */
const shownText = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

const workflowIn = (html: string) =>
  shownText(/<textarea id="federation-workflow"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? '');

const serviceCtx = () => federationContext(t.ctx(), t.config);

/** A federation made by the operator, for the pages to act on. */
const newFederation = (name: string) =>
  createFederation(serviceCtx(), org.id, {
    name,
    issuer: GITHUB,
    claims: { repository_id: '111', repository_owner_id: '222', repository: 'acme/web' },
    scopes: ['read:subjects'],
  });

const FORM = {
  name: 'api deploys',
  issuer: GITHUB,
  repository: ' acme/api ',
  repository_id: '123456789\n',
  repository_owner_id: '987654',
  ref: 'refs/heads/main',
  environment: 'production',
  workflow_ref: '',
  job_workflow_ref: '',
  event_name: '',
  subject: 'repo:acme/api:environment:production',
  scopes: ['read:subjects', 'read:keys'],
  tokenTtlSeconds: '900',
};

describe('the list', () => {
  it('is linked from the navigation, and an empty list says what to do', async () => {
    const keys = await (await admin.get(`/console/orgs/${org.slug}/keys`)).text();
    expect(keys).toMatch(new RegExp(`<a href="${feds}"[^>]*>Federations</a>`));
    const res = await admin.get(feds);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('No federations yet');
    expect(html).toMatch(/numeric id/);
    expect(html).toContain(`href="${feds}/new"`);
    expect(html).toMatch(/<a href="[^"]+\/federations" aria-current="page">Federations<\/a>/);
    const forViewer = await (await viewer.get(feds)).text();
    expect(forViewer).toContain('Ask an admin');
    expect(forViewer).not.toContain(`href="${feds}/new"`);
  });
});

describe('create', () => {
  it('guides the user: the issuers allowed, where the ids come from, subject examples, scopes', async () => {
    const res = await admin.get(`${feds}/new`);
    expect(res.status).toBe(200);
    const html = shownText(await res.text());
    expect(html).toMatch(/<option value="https:\/\/token\.actions\.githubusercontent\.com" selected/);
    expect(html).toContain('<option value="http://127.0.0.1:9"');
    expect(html).toContain('https://api.github.com/repos/OWNER/REPO');
    expect(html).toContain('gh api repos/OWNER/REPO --jq .id,.owner.id');
    expect(html).toContain('repo:acme/api:ref:refs/heads/main');
    for (const label of [
      'Name',
      'Issuer',
      'Repository (owner/name)',
      'Repository ID',
      'Repository owner ID',
    ]) {
      expect(html).toContain(`>${label}</label>`);
    }
    for (const scope of t.deps.catalog) expect(html).toContain(`value="${scope}"`);
    expect(html).toMatch(/<input type="hidden" name="_csrf" value="[^"]+"/);
  });

  it('creates the federation and shows the workflow to paste', async () => {
    const page = await follow(admin, await admin.post(feds, FORM));
    expect(page.status).toBe(200);
    expect(page.html).toContain('Federation “api deploys” created: paste the workflow below');
    const id = page.path.split('/').pop()?.split('?')[0] as string;
    const row = await findFederation(t.deps.db, org.id, id);
    expect(row).toMatchObject({
      name: 'api deploys',
      issuer: GITHUB,
      audience: 'http://issuer.test',
      subject: 'repo:acme/api:environment:production',
      scopes: ['read:subjects', 'read:keys'],
      tokenTtlSeconds: 900,
      createdBy: 'admin@fed-forms.example',
    });
    expect(row.claims).toEqual({
      repository_id: '123456789',
      repository_owner_id: '987654',
      repository: 'acme/api',
      ref: 'refs/heads/main',
      environment: 'production',
    });
    const yaml = workflowIn(page.html);
    expect(yaml).toContain('# .github/workflows/keymint.yml in acme/api');
    expect(yaml).toMatch(/^ {4}permissions:\n {6}id-token: write/m);
    expect(yaml).toContain('    environment: "production"');
    expect(yaml).toMatch(/^on:\n {2}push:\n {4}branches: \["main"\]$/m);
    expect(yaml).toContain('uses: <owner>/keymint/.github/actions/keymint-token@<commit-sha>');
    expect(yaml).toContain('issuer: http://issuer.test');
    expect(yaml).toContain(`client-id: ${row.clientId}`);
    expect(yaml).toContain('scope: "read:subjects read:keys"');
    expect(yaml).toContain(`KEYMINT_TOKEN: \${{ steps.keymint.outputs.token }}`);
    expect(yaml).not.toContain('id-token-audience');
    // the token reaches curl on its standard input, never its command line
    expect(yaml).toMatch(
      /printf 'Authorization: Bearer %s\\n' "\$KEYMINT_TOKEN" \|\n\s+curl -sS --fail-with-body -H @-/,
    );
    expect(yaml).not.toMatch(/curl[^\n]*\$KEYMINT_TOKEN/);
    expect(page.html).toContain('data-copy="federation-workflow"');
  });

  it('lists the federation: name, client id, issuer, repository pins, subject, scopes, status, last used', async () => {
    const html = await (await admin.get(feds)).text();
    const row = /<tr>\s*<td[^>]*><a href="[^"]+"[^>]*>api deploys<\/a>[\s\S]*?<\/tr>/.exec(html)?.[0] ?? '';
    expect(row).toMatch(/kmf_[0-9A-Za-z]{22}/);
    expect(row).toContain(GITHUB);
    expect(row).toContain('acme/api');
    expect(row).toContain('123456789');
    expect(row).toContain('987654');
    expect(row).toContain('repo:acme/api:environment:production');
    expect(row).toContain('read:subjects read:keys');
    expect(row).toContain('active');
    expect(row).toContain('never');
  });

  it('keeps what was typed and names the problem when a value is wrong, creating nothing', async () => {
    const before = (await (await admin.get(feds)).text()).match(/kmf_/g)?.length;
    const res = await admin.post(feds, {
      ...FORM,
      name: 'kept name',
      repository_id: 'acme/api',
      subject: '*:*',
    });
    expect(res.status).toBe(400);
    const html = shownText(await res.text());
    expect(html).toContain('claims.repository_id: must be a numeric id');
    expect(html).toContain('subject: is only wildcards');
    expect(html).toContain('value="kept name"');
    expect(html).toContain('value="acme/api"');
    expect(html).toMatch(/value="read:keys" checked/);
    expect((await (await admin.get(feds)).text()).match(/kmf_/g)?.length).toBe(before);
  });

  it('says what GitHub needs when the ids are left out', async () => {
    const res = await admin.post(feds, { ...FORM, repository_id: '', repository_owner_id: '' });
    expect(res.status).toBe(400);
    const html = shownText(await res.text());
    expect(html).toContain('claims.repository_id: is required for GitHub');
    expect(html).toContain('claims.repository_owner_id: is required for GitHub');
  });

  it('a federation with another audience gets the ID-token audience in its workflow', async () => {
    const row = await createFederation(serviceCtx(), org.id, {
      name: 'custom audience',
      issuer: GITHUB,
      audience: 'https://keymint.acme.example',
      claims: { repository_id: '1', repository_owner_id: '2', event_name: 'workflow_dispatch' },
      scopes: ['read:keys'],
    });
    const yaml = workflowIn(await (await admin.get(`${feds}/${row.id}`)).text());
    expect(yaml).toContain('id-token-audience: "https://keymint.acme.example"');
    expect(yaml).toMatch(/^on:\n {2}workflow_dispatch:$/m);
    expect(yaml).toContain(`-H @- http://issuer.test/api/v1/orgs/${org.slug}/keys`);
  });
});

describe('disable, enable, revoke, delete', () => {
  it('each asks first, naming the federation: a dialog, or a page without script', async () => {
    const f = await newFederation('confirm me');
    const html = await (await admin.get(`${feds}/${f.id}`)).text();
    expect(html).toContain('Disable “confirm me”?');
    expect(html).toContain('Revoke “confirm me”?');
    // The buttons open their dialogs; without script they lead to a confirmation page.
    expect(html).toMatch(
      new RegExp(
        `<form method="get" action="${feds}/${f.id}/disable"[^>]*><button type="submit"[^>]*data-dialog="disable-federation"[^>]*aria-label="Disable confirm me"`,
      ),
    );
    expect(html).toMatch(/data-dialog="revoke-federation"[^>]*aria-label="Revoke confirm me"/);
    expect(html).toMatch(
      /<dialog id="revoke-federation"[\s\S]*?<button type="button" data-close[^>]*>Cancel<\/button>/,
    );
    for (const [action, question] of [
      ['disable', 'Disable “confirm me”?'],
      ['revoke', 'Revoke “confirm me”?'],
    ]) {
      const page = await admin.get(`${feds}/${f.id}/${action}`);
      expect(page.status, action).toBe(200);
      const text = await page.text();
      expect(text).toContain(`<h1>${question}</h1>`);
      expect(text).toMatch(new RegExp(`<a class="button" href="${feds}/${f.id}">Cancel</a>`));
    }
    expect((await findFederation(t.deps.db, org.id, f.id)).enabled).toBe(true);
    await revokeVia(f.id);
    const revoked = await (await admin.get(`${feds}/${f.id}`)).text();
    expect(revoked).toContain('Delete “confirm me”?');
    expect(revoked).not.toContain('federation-workflow');
    expect(await (await admin.get(`${feds}/${f.id}/delete`)).text()).toContain(
      '<h1>Delete “confirm me”?</h1>',
    );
  });

  async function revokeVia(id: string) {
    return follow(admin, await admin.post(`${feds}/${id}/revoke`));
  }

  it('disable, enable, revoke, then delete, each saying what happened', async () => {
    const f = await newFederation('lifecycle');
    const state = async () =>
      findFederation(t.deps.db, org.id, f.id).then(
        (r) => (r.revokedAt ? 'revoked' : r.enabled ? 'active' : 'disabled'),
        () => 'gone',
      );
    const disabled = await follow(admin, await admin.post(`${feds}/${f.id}/enabled`, { enabled: 'false' }));
    expect(disabled.html).toContain('Federation “lifecycle” disabled.');
    expect(await state()).toBe('disabled');
    const enabled = await follow(
      admin,
      await admin.post(`${feds}/${f.clientId}/enabled`, { enabled: 'true' }),
    );
    expect(enabled.html).toContain('Federation “lifecycle” enabled.');
    expect(await state()).toBe('active');
    expect((await revokeVia(f.id)).html).toContain('Federation “lifecycle” revoked.');
    expect(await state()).toBe('revoked');
    const deleted = await follow(admin, await admin.post(`${feds}/${f.id}/delete`));
    expect(deleted.path).toBe(`${feds}?done=deleted`);
    expect(deleted.html).toContain('Federation deleted.');
    expect(deleted.html).not.toContain('lifecycle');
    expect(await state()).toBe('gone');
  });

  it('refuses to delete a federation that is still active, saying why', async () => {
    const f = await newFederation('still active');
    const res = await admin.post(`${feds}/${f.id}/delete`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/is active; revoke it before deleting it/);
    expect((await findFederation(t.deps.db, org.id, f.id)).deletedAt).toBeNull();
  });

  it('shows no message a URL makes up', async () => {
    const f = await newFederation('flash');
    const html = await (await admin.get(`${feds}/${f.id}?done=<b>pwned</b>`)).text();
    expect(html).not.toContain('pwned');
    const list = await (await admin.get(`${feds}?done=revoked`)).text();
    expect(list).not.toContain('revoked.');
  });
});

describe('who may see and post', () => {
  it('refuses a form without the session’s CSRF token, changing nothing', async () => {
    const f = await newFederation('csrf target');
    const res = await admin.post(`${feds}/${f.id}/revoke`, {}, { csrf: false });
    expect(res.status).toBe(403);
    const create = await admin.post(feds, { ...FORM, name: 'csrf create' }, { csrf: false });
    expect(create.status).toBe(403);
    expect((await findFederation(t.deps.db, org.id, f.id)).revokedAt).toBeNull();
    expect(await (await admin.get(feds)).text()).not.toContain('csrf create');
  });

  it('a viewer reads the pages without any button that changes something, and every post is 403', async () => {
    const f = await newFederation('viewer target');
    const page = await viewer.get(`${feds}/${f.id}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('viewer target');
    expect(html).toContain('federation-workflow');
    expect(html).not.toMatch(/<form method="post" action="[^"]*federations/);
    expect((await viewer.get(`${feds}/new`)).status).toBe(403);
    for (const action of ['disable', 'revoke', 'delete']) {
      expect((await viewer.get(`${feds}/${f.id}/${action}`)).status, action).toBe(403);
    }
    for (const [path, form] of [
      [feds, { ...FORM, name: 'by a viewer' }],
      [`${feds}/${f.id}/enabled`, { enabled: 'false' }],
      [`${feds}/${f.id}/revoke`, {}],
      [`${feds}/${f.id}/delete`, {}],
    ] as const) {
      expect((await viewer.post(path, form as Record<string, string | string[]>)).status, path).toBe(403);
    }
    expect(await findFederation(t.deps.db, org.id, f.id)).toMatchObject({ enabled: true, revokedAt: null });
  });

  it('another organisation’s federation is not found', async () => {
    const other = await t.newOrg('fed-forms-other');
    const theirs = await createFederation(serviceCtx(), other.id, {
      name: 'theirs',
      issuer: GITHUB,
      claims: { repository_id: '1', repository_owner_id: '2' },
      scopes: ['read:keys'],
    });
    expect((await admin.get(`${feds}/${theirs.id}`)).status).toBe(404);
    expect((await admin.post(`${feds}/${theirs.id}/revoke`)).status).toBe(404);
    expect((await findFederation(t.deps.db, other.id, theirs.id)).revokedAt).toBeNull();
    expect((await admin.get(`/console/orgs/${other.slug}/federations`)).status).toBe(404);
  });
});
