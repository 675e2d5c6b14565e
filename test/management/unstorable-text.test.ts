import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { gql, q } from '../gateway/gateway-helpers';
import { api, bearer, signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem, expectValidation } from './problems';

// PostgreSQL cannot store U+0000 and an unpaired surrogate has no UTF-8 form: every
// text path refuses them as a 400 (or, for ids, answers 404), never a 500.
const NUL = '\u0000';
const LONE = '\uD800';
const PASSWORD = 'correct horse battery';

let t: TestApp;
let org: { id: string; slug: string };
let token: string;
let subjectsToken: string;
let session: { cookie: string; csrf: string };
let keysPath: string;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('nul', 1000);
  token = await bearer(t, org.id, ['read:keys', 'write:keys', 'read:usage', 'read:audit']);
  subjectsToken = await bearer(t, org.id, ['read:subjects', 'write:subjects']);
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: 'admin@nul.example',
    password: PASSWORD,
    orgId: org.id,
    role: 'admin',
  });
  session = await signIn(t, 'admin@nul.example', PASSWORD);
  keysPath = `/orgs/${org.slug}/keys`;
});
afterAll(() => t?.close());

describe('the management API', () => {
  it.each([
    ['GET', ''],
    ['PATCH', ''],
    ['DELETE', ''],
    ['POST', '/rotate'],
    ['POST', '/revoke'],
    ['GET', '/usage'],
  ])('%s a key id holding U+0000 (…%s) → 404 problem', async (method, suffix) => {
    const body = method === 'PATCH' ? { name: 'x' } : method === 'POST' ? {} : undefined;
    const res = await api(t, method, `${keysPath}/%00${suffix}`, { token, body });
    await expectProblem(res, 404, 'not-found');
  });

  it('an organisation reference holding U+0000 → 404 problem', async () => {
    await expectProblem(await api(t, 'GET', '/orgs/%00/keys', { token }), 404, 'not-found');
  });

  it('a search for U+0000 → 400 naming q', async () => {
    await expectValidation(await api(t, 'GET', `${keysPath}?q=%00`, { token }), 'q');
  });

  it('a key named with U+0000 or a lone surrogate → 400 naming name, and nothing is created', async () => {
    for (const name of [`a${NUL}b`, `a${LONE}b`]) {
      const res = await api(t, 'POST', keysPath, { token, body: { name, scopes: ['read:keys'] } });
      const p = await expectValidation(res, 'name');
      expect(p.detail).toMatch(/U\+0000/);
    }
    const list = await (await api(t, 'GET', `${keysPath}?status=all&limit=100`, { token })).json();
    expect(list.items.map((k: { name: string }) => k.name)).not.toContain(`a${NUL}b`);
  });

  it('renaming a key to U+0000 → 400 naming name', async () => {
    const key = await t.newKey(org.id, { name: 'to rename', scopes: ['read:keys'] });
    const res = await api(t, 'PATCH', `${keysPath}/${key.id}`, { token, body: { name: `x${NUL}` } });
    await expectValidation(res, 'name');
  });

  it('audit filters and cursors holding U+0000 → 400', async () => {
    const audit = `/orgs/${org.slug}/audit-events`;
    await expectValidation(await api(t, 'GET', `${audit}?action=%00`, { token }), 'action');
    await expectValidation(await api(t, 'GET', `${audit}?actorId=a%00`, { token }), 'actorId');
    const cursor = btoa(`2026-01-01T00:00:00.000Z|key_${NUL}`).replace(/=+$/, '');
    await expectValidation(await api(t, 'GET', `${keysPath}?cursor=${cursor}`, { token }), 'cursor');
  });

  it('signing in with U+0000 in the email → 401, not a server error', async () => {
    const res = await api(t, 'POST', '/session', {
      body: { email: `a${NUL}@b.example`, password: PASSWORD },
    });
    await expectProblem(res, 401, 'unauthorized');
  });
});

describe('the console', () => {
  const post = (path: string, form: Record<string, string>) =>
    t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf, ...form }),
    });

  it('the create form refuses a name with U+0000 and shows the reason', async () => {
    const res = await post(`/console/orgs/${org.slug}/keys`, {
      name: `a${NUL}b`,
      scopes: 'read:keys',
      expiresIn: '90d',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('U+0000');
  });

  it('searching for U+0000 shows a refusal, not an error page', async () => {
    const res = await t.app.request(`/console/orgs/${org.slug}/keys?q=%00`, {
      headers: { cookie: session.cookie },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('U+0000');
  });

  it('a key page for an id with U+0000 is not found', async () => {
    const res = await t.app.request(`/console/orgs/${org.slug}/keys/%00`, {
      headers: { cookie: session.cookie },
    });
    expect(res.status).toBe(404);
  });
});

describe('the gateway', () => {
  const firstError = async (res: Response) => {
    expect(res.status).toBe(200);
    const body = await res.json();
    return body.errors?.[0] as { message: string; extensions?: { code?: string } };
  };

  it('createSubject with U+0000 answers a GraphQL error written for the caller', async () => {
    const res = await gql(
      t.app,
      subjectsToken,
      q('mutation($n: String!) { createSubject(name: $n) { id } }', { variables: { n: `a${NUL}b` } }),
    );
    const e = await firstError(res);
    expect(e.message).toMatch(/name.*U\+0000/);
    expect(e.extensions?.code).toBe('VALIDATION');
    expect(e.message).not.toMatch(/insert|select|org_id|params/i);
  });

  it('deleteSubject and renameSubject on an id with U+0000: nothing deleted, not found', async () => {
    const del = await gql(
      t.app,
      subjectsToken,
      q('mutation($id: ID!) { deleteSubject(id: $id) }', { variables: { id: NUL } }),
    );
    expect(del.status).toBe(200);
    expect((await del.json()).data).toEqual({ deleteSubject: false });
    const ren = await gql(
      t.app,
      subjectsToken,
      q('mutation($id: ID!) { renameSubject(id: $id, name: "x") { id } }', { variables: { id: NUL } }),
    );
    const e = await firstError(ren);
    expect(e.extensions?.code).toBe('NOT_FOUND');
    expect(e.message).not.toMatch(/update|org_id|params/i);
  });
});
