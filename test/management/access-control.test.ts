import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { api, bearer, signIn } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem } from './problems';

type Session = { cookie: string; csrf: string };
type Org = { id: string; slug: string };

let t: TestApp;
let orgA: Org;
let orgB: Org;
let adminA: Session;
let viewerA: Session;
let tokens: {
  all: string;
  read: string;
  write: string;
  usage: string;
  audit: string;
  readUsage: string;
};
let keyA: { id: string; clientId: string };
let keyB: { id: string; clientId: string };
let revokedB: { id: string; clientId: string };
let tokenB: string;

const ALL = ['read:keys', 'write:keys', 'read:usage', 'read:audit'];
const PASSWORD = 'correct horse battery';

async function user(email: string, orgId: string, role: 'admin' | 'viewer'): Promise<Session> {
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email,
    password: PASSWORD,
    orgId,
    role,
  });
  return signIn(t, email, PASSWORD);
}

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  orgA = await t.newOrg('org-a', 1000);
  orgB = await t.newOrg('org-b', 1000);
  adminA = await user('admin@a.example', orgA.id, 'admin');
  viewerA = await user('viewer@a.example', orgA.id, 'viewer');
  tokens = {
    all: await bearer(t, orgA.id, ALL),
    read: await bearer(t, orgA.id, ['read:keys']),
    write: await bearer(t, orgA.id, ['write:keys']),
    usage: await bearer(t, orgA.id, ['read:usage']),
    audit: await bearer(t, orgA.id, ['read:audit']),
    readUsage: await bearer(t, orgA.id, ['read:keys', 'read:usage']),
  };
  keyA = await t.newKey(orgA.id, { name: 'a key', scopes: ['read:subjects'] });
  keyB = await t.newKey(orgB.id, { name: 'b key', scopes: ['read:keys'] });
  revokedB = await t.newKey(orgB.id, { name: 'b revoked', scopes: ['read:keys'] });
  await revokeKey(t.ctx(), orgB.id, revokedB.id);
  tokenB = await bearer(t, orgB.id, ALL);
});
afterAll(() => t?.close());

const keys = (org: Org = orgA) => `/orgs/${org.slug}/keys`;

async function getKey(id: string, org: Org = orgA): Promise<Record<string, unknown>> {
  const res = await api(t, 'GET', `${keys(org)}/${id}`, { token: org === orgA ? tokens.all : tokenB });
  expect(res.status).toBe(200);
  return res.json();
}

async function listAll(org: Org = orgA): Promise<{ id: string }[]> {
  const res = await api(t, 'GET', `${keys(org)}?status=all&limit=100`, {
    token: org === orgA ? tokens.all : tokenB,
  });
  expect(res.status).toBe(200);
  return (await res.json()).items;
}

/** A key of org A made by the operator (so it does not count as the caller's doing). */
const newKeyA = (scopes: string[], name = 'victim') => t.newKey(orgA.id, { name, scopes });

/** Every operation of the OpenAPI document under /orgs/{org}, with a body its schema accepts. */
interface Operation {
  method: string;
  path: string;
  bodySchema?: string | undefined;
}

async function operations(): Promise<Operation[]> {
  const res = await api(t, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  const doc = await res.json();
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    if (!path.includes('{org}')) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const ref = (op as { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } })
        .requestBody?.content?.['application/json']?.schema?.$ref;
      ops.push({ method: method.toUpperCase(), path, ...(ref ? { bodySchema: ref.split('/').pop() } : {}) });
    }
  }
  // the key, usage, audit and organisation routes the API promises at least: never a vacuous loop
  expect(ops.length).toBeGreaterThanOrEqual(11);
  return ops;
}

/** A body the route would accept from an authorised caller, so only access control can refuse it. */
function bodyFor(schema: string | undefined): unknown {
  switch (schema) {
    case undefined:
      return undefined;
    case 'CreateKey':
      return { name: 'planted', scopes: ['read:keys'] };
    case 'ImportKey':
      return {
        name: 'planted',
        clientId: 'planted-client',
        clientSecret: 'a planted secret',
        scopes: ['read:keys'],
      };
    case 'UpdateKey':
      return { name: 'hijacked', enabled: false };
    case 'RotateKey':
      return { gracePeriodSeconds: 0 };
    case 'UpdateOrgSettings':
      return { name: 'hijacked', maxActiveKeys: 1 };
    case 'CreateFederation':
      return {
        name: 'planted',
        issuer: 'https://token.actions.githubusercontent.com',
        claims: { repository_id: '1', repository_owner_id: '2' },
        scopes: ['read:keys'],
      };
    case 'UpdateFederation':
      return { name: 'hijacked', enabled: false };
    default:
      throw new Error(`access-control.test.ts: add an acceptable body for the ${schema} schema`);
  }
}

const fill = (path: string, org: string, id: string) =>
  path.replace('{org}', org).replace(/\{[^}]+\}/g, encodeURIComponent(id));

describe('authentication', () => {
  it('no credentials → 401 with a Bearer challenge and no error code, on every route', async () => {
    for (const op of await operations()) {
      const res = await api(t, op.method, fill(op.path, orgA.slug, keyA.id), {
        body: bodyFor(op.bodySchema),
      });
      await expectProblem(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate'), `${op.method} ${op.path}`).toBe(
        'Bearer realm="http://issuer.test"',
      );
    }
  });

  it('no credentials and an invalid body → 401, not a validation problem', async () => {
    const res = await api(t, 'POST', keys(), { body: { name: 5 } });
    await expectProblem(res, 401, 'unauthorized');
  });

  async function expectInvalidToken(token: string) {
    const res = await api(t, 'GET', keys(), { token });
    await expectProblem(res, 401, 'unauthorized');
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer realm="http:\/\/issuer\.test"/);
    expect(challenge).toMatch(/error="invalid_token"/);
  }

  it('a malformed token → 401 invalid_token', async () => {
    await expectInvalidToken('not-a-jwt');
    await expectInvalidToken('a.b.c');
    await expectInvalidToken(tokens.all.slice(0, -10));
  });

  it('an Authorization header that is not "Bearer <token>" → 401 with a Bearer challenge', async () => {
    for (const authorization of ['Bearer', 'Basic dXNlcjpwYXNz', `Token ${tokens.all}`]) {
      const res = await api(t, 'GET', keys(), { headers: { authorization } });
      await expectProblem(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="http:\/\/issuer\.test"/);
    }
  });

  it('a token whose claims were changed → 401 invalid_token', async () => {
    const [header, , signature] = tokens.read.split('.');
    const claims = decodeJwt(tokens.read);
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: ALL.join(' ') })).toString('base64url');
    await expectInvalidToken(`${header}.${widened}.${signature}`);
    const otherOrg = Buffer.from(JSON.stringify({ ...claims, org_id: orgB.id })).toString('base64url');
    await expectInvalidToken(`${header}.${otherOrg}.${signature}`);
  });

  it('a token forged with another key under the real kid, or unsigned → 401 invalid_token', async () => {
    const header = decodeProtectedHeader(tokens.read);
    const claims = decodeJwt(tokens.read);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ ...claims, scope: ALL.join(' ') })
      .setProtectedHeader({ alg: 'RS256', kid: header.kid as string, typ: 'at+jwt' })
      .sign(privateKey);
    await expectInvalidToken(forged);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: header.kid })).toString(
      'base64url',
    );
    await expectInvalidToken(`${none}.${tokens.read.split('.')[1]}.`);
  });

  it('a token of a revoked key → 401 invalid_token', async () => {
    const key = await newKeyA(['read:keys'], 'soon revoked');
    const res = await requestToken(t.app, key, { scope: 'read:keys' });
    const token = (await res.json()).access_token as string;
    expect((await api(t, 'GET', keys(), { token })).status).toBe(200);
    const revoke = await api(t, 'POST', `${keys()}/${key.id}/revoke`, { session: adminA });
    expect(revoke.status).toBe(200);
    await expectInvalidToken(token);
  });
});

describe('token scopes', () => {
  it('read:keys reads keys and the organisation', async () => {
    for (const path of [keys(), `${keys()}/${keyA.id}`, `${keys()}/${keyA.clientId}`, `/orgs/${orgA.slug}`]) {
      expect((await api(t, 'GET', path, { token: tokens.read })).status, path).toBe(200);
    }
  });

  it('read:keys gets 403 forbidden on create, patch, rotate, revoke and delete, and changes nothing', async () => {
    const victim = await newKeyA(['read:keys']);
    const gone = await newKeyA(['read:keys'], 'revoked');
    await revokeKey(t.ctx(), orgA.id, gone.id);
    const before = await listAll();
    const victimBefore = await getKey(victim.id);
    for (const [method, path, body] of [
      ['POST', keys(), { name: 'nope', scopes: ['read:keys'] }],
      ['PATCH', `${keys()}/${victim.id}`, { name: 'renamed' }],
      ['POST', `${keys()}/${victim.id}/rotate`, {}],
      ['POST', `${keys()}/${victim.id}/revoke`, undefined],
      ['DELETE', `${keys()}/${gone.id}`, undefined],
    ] as const) {
      const res = await api(t, method, path, { token: tokens.read, body });
      await expectProblem(res, 403, 'forbidden');
    }
    expect(await listAll()).toEqual(before);
    expect(await getKey(victim.id)).toEqual(victimBefore);
  });

  it('write:keys alone cannot read keys (403)', async () => {
    for (const path of [keys(), `${keys()}/${keyA.id}`]) {
      await expectProblem(await api(t, 'GET', path, { token: tokens.write }), 403, 'forbidden');
    }
  });

  it('read:usage gates the usage routes', async () => {
    const usage = [`/orgs/${orgA.slug}/usage`, `${keys()}/${keyA.id}/usage`];
    for (const path of usage) {
      expect((await api(t, 'GET', path, { token: tokens.usage })).status, path).toBe(200);
      for (const token of [tokens.read, tokens.write, tokens.audit]) {
        await expectProblem(await api(t, 'GET', path, { token }), 403, 'forbidden');
      }
    }
  });

  it('read:audit gates the audit log', async () => {
    const path = `/orgs/${orgA.slug}/audit-events`;
    expect((await api(t, 'GET', path, { token: tokens.audit })).status).toBe(200);
    for (const token of [tokens.read, tokens.write, tokens.usage, tokens.readUsage]) {
      await expectProblem(await api(t, 'GET', path, { token }), 403, 'forbidden');
    }
  });

  it('no token scope changes the organisation settings (403)', async () => {
    const res = await api(t, 'PATCH', `/orgs/${orgA.slug}/settings`, {
      token: tokens.all,
      body: { maxActiveKeys: 1 },
    });
    await expectProblem(res, 403, 'forbidden');
  });
});

describe('no escalation through write:keys', () => {
  /** A token with only read:keys write:keys, taken from a key whose own grant is broader. */
  let rw: string;
  beforeAll(async () => {
    const key = await newKeyA(['read:keys', 'write:keys', 'write:subjects', 'read:audit'], 'broad caller');
    const res = await requestToken(t.app, key, { scope: 'read:keys write:keys' });
    expect(res.status).toBe(200);
    rw = (await res.json()).access_token;
  });

  it.each([
    [['write:subjects']],
    [['*:*']],
    [['read:*']],
    [['*:subjects']],
    [['read:keys', 'read:audit']],
    [['read:keys', 'write:keys', 'read:usage']],
  ])('cannot create a key with %j (403), and creates nothing', async (scopes) => {
    const before = await listAll();
    const res = await api(t, 'POST', keys(), { token: rw, body: { name: 'escalated', scopes } });
    await expectProblem(res, 403, 'forbidden');
    expect(await listAll()).toEqual(before);
  });

  it.each([[['read:keys']], [['write:keys']], [['read:keys', 'write:keys']]])(
    'creates a key with %j',
    async (scopes) => {
      const res = await api(t, 'POST', keys(), { token: rw, body: { name: 'within', scopes } });
      expect(res.status).toBe(201);
      expect((await res.json()).scopes).toEqual(scopes);
    },
  );

  it('cannot widen a key it may change (403), but may re-scope it within its own scopes', async () => {
    const key = await newKeyA(['read:keys']);
    for (const scopes of [['read:keys', 'read:audit'], ['*:*'], ['write:subjects']]) {
      const res = await api(t, 'PATCH', `${keys()}/${key.id}`, { token: rw, body: { scopes } });
      await expectProblem(res, 403, 'forbidden');
      expect((await getKey(key.id)).scopes).toEqual(['read:keys']);
    }
    const ok = await api(t, 'PATCH', `${keys()}/${key.id}`, {
      token: rw,
      body: { scopes: ['read:keys', 'write:keys'] },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).scopes).toEqual(['read:keys', 'write:keys']);
  });

  it('cannot patch, rotate, revoke or delete a key whose grant is broader than its token (403)', async () => {
    for (const grant of [['read:keys', 'write:subjects'], ['*:*'], ['read:*']]) {
      const strong = await newKeyA(grant, 'strong');
      const before = await getKey(strong.id);
      for (const [method, path, body] of [
        ['PATCH', `${keys()}/${strong.id}`, { name: 'taken over' }],
        ['PATCH', `${keys()}/${strong.id}`, { scopes: ['read:keys'] }],
        ['PATCH', `${keys()}/${strong.id}`, { enabled: false }],
        ['POST', `${keys()}/${strong.id}/rotate`, { gracePeriodSeconds: 0 }],
        ['POST', `${keys()}/${strong.clientId}/rotate`, {}],
        ['POST', `${keys()}/${strong.id}/revoke`, undefined],
      ] as const) {
        const res = await api(t, method, path, { token: rw, body });
        const p = await expectProblem(res, 403, 'forbidden');
        expect(JSON.stringify(p)).not.toMatch(/kms_/);
      }
      expect(await getKey(strong.id)).toEqual(before);
      // Deleting an active strong key says 403, not 409: its state is none of the caller's business.
      await expectProblem(await api(t, 'DELETE', `${keys()}/${strong.id}`, { token: rw }), 403, 'forbidden');
      // a revoked strong key: deleting it, or revoking it again, is refused too
      await revokeKey(t.ctx(), orgA.id, strong.id);
      await expectProblem(await api(t, 'DELETE', `${keys()}/${strong.id}`, { token: rw }), 403, 'forbidden');
      await expectProblem(
        await api(t, 'POST', `${keys()}/${strong.id}/revoke`, { token: rw }),
        403,
        'forbidden',
      );
      expect((await listAll()).map((k) => k.id)).toContain(strong.id);
    }
  });

  it('may patch, rotate, revoke and delete a key within its scopes', async () => {
    const key = await newKeyA(['write:keys'], 'weak');
    const renamed = await api(t, 'PATCH', `${keys()}/${key.id}`, { token: rw, body: { name: 'renamed' } });
    expect(renamed.status).toBe(200);
    const rotated = await api(t, 'POST', `${keys()}/${key.id}/rotate`, { token: rw, body: {} });
    expect(rotated.status).toBe(200);
    expect((await rotated.json()).clientSecret).toMatch(/^kms_/);
    const revoked = await api(t, 'POST', `${keys()}/${key.id}/revoke`, { token: rw });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).status).toBe('revoked');
    expect((await api(t, 'DELETE', `${keys()}/${key.id}`, { token: rw })).status).toBe(204);
    expect((await listAll()).map((k) => k.id)).not.toContain(key.id);
  });
});

describe('console sessions', () => {
  it('a viewer reads keys, usage and the audit log without a CSRF token', async () => {
    for (const path of [
      keys(),
      `${keys()}/${keyA.id}`,
      `/orgs/${orgA.slug}/usage`,
      `/orgs/${orgA.slug}/audit-events`,
    ]) {
      expect((await api(t, 'GET', path, { session: viewerA })).status, path).toBe(200);
    }
  });

  it('a viewer gets 403 on every write, even with the right CSRF token, and changes nothing', async () => {
    const victim = await newKeyA(['read:keys']);
    const gone = await newKeyA(['read:keys'], 'revoked');
    await revokeKey(t.ctx(), orgA.id, gone.id);
    const before = await listAll();
    for (const [method, path, body] of [
      ['POST', keys(), { name: 'nope', scopes: ['read:keys'] }],
      ['PATCH', `${keys()}/${victim.id}`, { enabled: false }],
      ['POST', `${keys()}/${victim.id}/rotate`, {}],
      ['POST', `${keys()}/${victim.id}/revoke`, undefined],
      ['DELETE', `${keys()}/${gone.id}`, undefined],
      ['PATCH', `/orgs/${orgA.slug}/settings`, { maxActiveKeys: 1 }],
    ] as const) {
      await expectProblem(await api(t, method, path, { session: viewerA, body }), 403, 'forbidden');
    }
    expect(await listAll()).toEqual(before);
  });

  it('an admin writes only with the session’s X-CSRF-Token', async () => {
    const victim = await newKeyA(['read:keys']);
    const before = await listAll();
    const victimBefore = await getKey(victim.id);
    const wrongs: { noCsrf?: boolean; headers?: Record<string, string> }[] = [
      { noCsrf: true },
      { headers: { 'x-csrf-token': 'x'.repeat(32) } },
      { headers: { 'x-csrf-token': '' } },
      { headers: { 'x-csrf-token': viewerA.csrf } },
    ];
    for (const wrong of wrongs) {
      const session = wrong.headers
        ? { cookie: adminA.cookie, csrf: wrong.headers['x-csrf-token'] ?? '' }
        : adminA;
      for (const [method, path, body] of [
        ['POST', keys(), { name: 'csrf', scopes: ['read:keys'] }],
        ['PATCH', `${keys()}/${victim.id}`, { name: 'renamed' }],
        ['POST', `${keys()}/${victim.id}/rotate`, {}],
        ['POST', `${keys()}/${victim.id}/revoke`, undefined],
        ['DELETE', `${keys()}/${victim.id}`, undefined],
      ] as const) {
        const res = await api(t, method, path, { session, body, ...(wrong.noCsrf ? { noCsrf: true } : {}) });
        await expectProblem(res, 403, 'forbidden');
      }
    }
    expect(await listAll()).toEqual(before);
    expect(await getKey(victim.id)).toEqual(victimBefore);

    expect((await api(t, 'GET', keys(), { session: adminA })).status).toBe(200);
    const created = await api(t, 'POST', keys(), {
      session: adminA,
      body: { name: 'csrf', scopes: ['*:*'] },
    });
    expect(created.status).toBe(201);
    const patched = await api(t, 'PATCH', `${keys()}/${victim.id}`, {
      session: adminA,
      body: { enabled: false },
    });
    expect(patched.status).toBe(200);
    expect((await patched.json()).status).toBe('disabled');
  });
});

describe('other organisations answer 404', () => {
  async function snapshotB(): Promise<unknown> {
    const get = async (path: string) => {
      const res = await api(t, 'GET', path, { token: tokenB });
      expect(res.status, path).toBe(200);
      return res.json();
    };
    const items = await listAll(orgB);
    return {
      items,
      keys: await Promise.all(items.map((k) => getKey(k.id, orgB))),
      org: await get(`/orgs/${orgB.slug}`),
      settings: await get(`/orgs/${orgB.slug}/settings`),
      audit: await get(`/orgs/${orgB.slug}/audit-events?limit=200`),
    };
  }

  /** Calls every operation with these references; returns those that did not answer 404 not-found. */
  async function probe(
    call: (method: string, path: string, body: unknown) => Promise<Response>,
    orgRefs: string[],
    keyRefs: string[],
    only: (op: Operation) => boolean = () => true,
  ): Promise<string[]> {
    const wrong: string[] = [];
    for (const op of (await operations()).filter(only)) {
      for (const org of orgRefs) {
        for (const id of op.path.includes('{id}') ? keyRefs : ['-']) {
          const path = fill(op.path, org, id);
          const res = await call(op.method, path, bodyFor(op.bodySchema));
          const text = await res.text();
          const type = res.status === 404 ? JSON.parse(text).type : '';
          if (res.status !== 404 || !String(type).endsWith(':not-found')) {
            wrong.push(`${op.method} ${path} → ${res.status} ${text.slice(0, 200)}`);
          }
        }
      }
    }
    return wrong;
  }

  const callers = () => ({
    'a token of org A with every scope': (method: string, path: string, body: unknown) =>
      api(t, method, path, { token: tokens.all, body }),
    'an admin session of org A': (method: string, path: string, body: unknown) =>
      api(t, method, path, { session: adminA, body }),
  });

  it.each([['a token of org A with every scope'], ['an admin session of org A']] as const)(
    'for %s, on every route of the OpenAPI document, and B is unchanged',
    async (who) => {
      const call = callers()[who];
      const before = await snapshotB();
      const bKeys = [keyB.id, keyB.clientId, revokedB.id];
      expect(await probe(call, [orgB.slug, orgB.id], bKeys)).toEqual([]);
      // B's key ids through A's own organisation
      expect(await probe(call, [orgA.slug], bKeys, (op) => op.path.includes('{id}'))).toEqual([]);
      expect(await snapshotB()).toEqual(before);
    },
  );

  it('answers another organisation exactly like one that does not exist', async () => {
    const other = await api(t, 'GET', `/orgs/${orgB.slug}/keys`, { token: tokens.all });
    const none = await api(t, 'GET', '/orgs/no-such-org/keys', { token: tokens.all });
    const a = await expectProblem(other, 404, 'not-found');
    const b = await expectProblem(none, 404, 'not-found');
    expect({ ...a, detail: '', instance: '' }).toEqual({ ...b, detail: '', instance: '' });
  });

  it('an unknown key id in one’s own organisation → 404 on every key route', async () => {
    for (const [who, call] of Object.entries(callers())) {
      const unknown = ['key_doesnotexist', 'km_0000000000000000000000'];
      expect(await probe(call, [orgA.slug], unknown, (op) => op.path.includes('{id}')), who).toEqual([]);
    }
  });
});

describe('expired tokens', () => {
  it('a token past its exp → 401 invalid_token', async () => {
    const token = await bearer(t, orgA.id, ['read:keys']);
    expect((await api(t, 'GET', keys(), { token })).status).toBe(200);
    const { exp, iat } = decodeJwt(token);
    t.clock.advance((exp as number) - (iat as number) + 61);
    const res = await api(t, 'GET', keys(), { token });
    await expectProblem(res, 401, 'unauthorized');
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});
