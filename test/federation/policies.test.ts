import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { createFederation } from '../../src/federation/create-federation';
import { FEDERATION_CLIENT_ID_RE } from '../../src/federation/federation-client-id';
import { federationContext } from '../../src/federation/federation-service-context';
import { findFederationByClientId, markFederationUsed } from '../../src/federation/federation-store';
import { revokeFederation } from '../../src/federation/revoke-federation';
import { api, bearer, signIn } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem, expectValidation } from '../management/problems';

// Federation trust policies through the management API (and the store the token
// exchange reads): every rule a policy is checked against when saved, the limit of
// 20 under concurrent creates, the no-escalation rule, other organisations, the audit.

const GITHUB = 'https://token.actions.githubusercontent.com';
const PASSWORD = 'correct horse battery';

type Session = { cookie: string; csrf: string };
type Org = { id: string; slug: string };
type Fed = Record<string, unknown> & { id: string; clientId: string; status: string };

let t: TestApp;
/** A loopback issuer that counts every request made to it: creating a policy must make none. */
let issuerServer: Server;
let issuerHits = 0;
let loopbackIssuer: string;
let orgA: Org;
let orgB: Org;
let adminA: Session;
let viewerA: Session;
let tokens: { rw: string; read: string; write: string; usage: string };
let tokenB: string;

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
  issuerServer = createServer((_req, res) => {
    issuerHits++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
  loopbackIssuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
  t = await createTestApp({ BCRYPT_COST: '4', FEDERATION_ISSUERS: `${GITHUB},${loopbackIssuer}` });
  orgA = await t.newOrg('fed-a', 1000);
  orgB = await t.newOrg('fed-b', 1000);
  adminA = await user('admin@fed-a.example', orgA.id, 'admin');
  viewerA = await user('viewer@fed-a.example', orgA.id, 'viewer');
  // read:keys write:keys, from a key whose own grant is broader (what the token carries counts)
  const broad = await t.newKey(orgA.id, {
    name: 'broad caller',
    scopes: ['read:keys', 'write:keys', 'write:subjects', 'read:subjects', 'read:audit'],
  });
  const res = await requestToken(t.app, broad, { scope: 'read:keys write:keys read:subjects' });
  expect(res.status).toBe(200);
  tokens = {
    rw: (await res.json()).access_token,
    read: await bearer(t, orgA.id, ['read:keys']),
    write: await bearer(t, orgA.id, ['write:keys']),
    usage: await bearer(t, orgA.id, ['read:usage', 'read:audit']),
  };
  tokenB = await bearer(t, orgB.id, ['read:keys', 'write:keys', 'read:audit']);
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => issuerServer?.close(resolve));
});

const feds = (org: Org = orgA) => `/orgs/${org.slug}/federations`;

/** A policy for GitHub that passes every rule. */
const github = (over: Record<string, unknown> = {}) => ({
  name: 'deploy api',
  issuer: GITHUB,
  subject: 'repo:acme/api:ref:refs/heads/main',
  claims: { repository_id: '123456789', repository_owner_id: '987654', ref: 'refs/heads/main' },
  scopes: ['read:subjects'],
  ...over,
});

async function create(body: unknown, o: { session?: Session; token?: string; org?: Org } = {}): Promise<Fed> {
  const res = await api(
    t,
    'POST',
    feds(o.org),
    o.token ? { token: o.token, body } : { session: o.session ?? adminA, body },
  );
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json();
}

async function listAll(org: Org = orgA): Promise<Fed[]> {
  const res = await api(t, 'GET', `${feds(org)}?limit=100`, { token: org === orgA ? tokens.read : tokenB });
  expect(res.status).toBe(200);
  return (await res.json()).items;
}

async function getFed(ref: string, org: Org = orgA): Promise<Fed> {
  const res = await api(t, 'GET', `${feds(org)}/${ref}`, { token: org === orgA ? tokens.read : tokenB });
  expect(res.status).toBe(200);
  return res.json();
}

async function auditOf(targetId: string) {
  const res = await api(t, 'GET', `/orgs/${orgA.slug}/audit-events?targetId=${targetId}&limit=200`, {
    session: adminA,
  });
  expect(res.status).toBe(200);
  const items: { action: string; actor: { type: string; id: string }; details: Record<string, unknown> }[] = (
    await res.json()
  ).items;
  return items.reverse();
}

describe('creating a federation', () => {
  it('answers 201 with the federation object, and GET finds it by id and by clientId', async () => {
    const res = await api(t, 'POST', feds(), { session: adminA, body: github() });
    expect(res.status).toBe(201);
    const f: Fed = await res.json();
    expect(f).toEqual({
      id: expect.stringMatching(/^fed_[0-9A-Za-z]{20}$/),
      name: 'deploy api',
      clientId: expect.stringMatching(FEDERATION_CLIENT_ID_RE),
      issuer: GITHUB,
      audience: 'http://issuer.test',
      subject: 'repo:acme/api:ref:refs/heads/main',
      claims: { repository_id: '123456789', repository_owner_id: '987654', ref: 'refs/heads/main' },
      scopes: ['read:subjects'],
      tokenTtlSeconds: null,
      status: 'active',
      createdAt: t.clock.now().toISOString(),
      createdBy: 'admin@fed-a.example',
      lastUsedAt: null,
    });
    expect(await getFed(f.id)).toEqual(f);
    expect(await getFed(f.clientId)).toEqual(f);
    expect((await listAll()).map((x) => x.id)).toContain(f.id);
  });

  it('takes an issuer with a trailing slash as the same issuer, and a custom audience and lifetime', async () => {
    const f = await create(
      github({ issuer: `${GITHUB}/`, audience: 'https://keymint.acme.example', tokenTtlSeconds: 600 }),
    );
    expect(f).toMatchObject({
      issuer: GITHUB,
      audience: 'https://keymint.acme.example',
      tokenTtlSeconds: 600,
    });
  });

  it('needs no subject pattern, and for another trusted issuer no GitHub pins', async () => {
    const f = await create({ name: 'loopback', issuer: loopbackIssuer, scopes: ['read:subjects'] });
    expect(f).toMatchObject({ issuer: loopbackIssuer, subject: null, claims: {} });
  });

  it('makes no network request, not even to the issuer it names', async () => {
    const before = issuerHits;
    await create({
      name: 'offline',
      issuer: loopbackIssuer,
      claims: { repository_id: '1' },
      scopes: ['read:keys'],
    });
    await create({ name: 'offline 2', issuer: `${loopbackIssuer}/`, scopes: ['read:keys'] });
    expect(issuerHits).toBe(before);
  });

  it('a write:keys token may create one within its own scopes; createdBy is its clientId', async () => {
    const f = await create(github({ scopes: ['read:keys', 'write:keys'] }), { token: tokens.rw });
    expect(f.scopes).toEqual(['read:keys', 'write:keys']);
    expect(f.createdBy).toMatch(/^km_/);
  });
});

describe('every value is checked when saved (400 validation naming the field), and nothing is created', () => {
  const refused: [string, Record<string, unknown>, string | RegExp][] = [
    ['an issuer not in FEDERATION_ISSUERS', { issuer: 'https://gitlab.com' }, 'issuer'],
    ['an issuer that only starts like a trusted one', { issuer: `${GITHUB}.evil.example` }, 'issuer'],
    ['an http issuer for an https one', { issuer: GITHUB.replace('https', 'http') }, 'issuer'],
    ['an empty issuer', { issuer: ' ' }, 'issuer'],
    ['GitHub’s default audience', { audience: 'https://github.com/acme' }, 'audience'],
    ['GitHub’s default audience, slash and capitals', { audience: 'HTTPS://GitHub.com/acme/' }, 'audience'],
    ['two audiences in one string', { audience: 'https://a.example https://b.example' }, 'audience'],
    ['comma-separated audiences', { audience: 'https://a.example,https://b.example' }, 'audience'],
    ['an array of audiences', { audience: ['https://a.example'] }, 'audience'],
    ['an empty audience', { audience: '' }, 'audience'],
    ['an audience with U+0000', { audience: 'https://a.example/\u0000' }, 'audience'],
    ['GitHub without repository_id', { claims: { repository_owner_id: '987654' } }, 'claims.repository_id'],
    [
      'GitHub without repository_owner_id',
      { claims: { repository_id: '123' } },
      'claims.repository_owner_id',
    ],
    ['GitHub with no claims at all', { claims: {} }, 'claims.repository_id'],
    [
      'a repository_id that is a name',
      { claims: { repository_id: 'acme/api', repository_owner_id: '1' } },
      'claims.repository_id',
    ],
    [
      'a repository_id with a leading zero',
      { claims: { repository_id: '0123', repository_owner_id: '1' } },
      'claims.repository_id',
    ],
    [
      'a repository_owner_id with a space',
      { claims: { repository_id: '1', repository_owner_id: ' 987654' } },
      'claims.repository_owner_id',
    ],
    ['a repository_id as a number', { claims: { repository_id: 123, repository_owner_id: '1' } }, /claims/],
    [
      'an unknown claim name',
      { claims: { repository_id: '1', repository_owner_id: '2', sub: 'x' } },
      'claims.sub',
    ],
    [
      'an aud claim pin',
      { claims: { repository_id: '1', repository_owner_id: '2', aud: 'x' } },
      'claims.aud',
    ],
    [
      'a wildcard in a claim',
      { claims: { repository_id: '1', repository_owner_id: '2', ref: 'refs/heads/*' } },
      'claims.ref',
    ],
    [
      'U+0000 in a claim',
      { claims: { repository_id: '1', repository_owner_id: '2', environment: 'prod\u0000' } },
      'claims.environment',
    ],
    [
      'an unpaired surrogate in a claim',
      { claims: { repository_id: '1', repository_owner_id: '2', environment: '\ud800' } },
      'claims.environment',
    ],
    [
      'an empty claim',
      { claims: { repository_id: '1', repository_owner_id: '2', environment: '' } },
      'claims.environment',
    ],
    [
      'an over-long claim',
      { claims: { repository_id: '1', repository_owner_id: '2', environment: 'e'.repeat(257) } },
      'claims.environment',
    ],
    [
      'a short ref GitHub never sends',
      { claims: { repository_id: '1', repository_owner_id: '2', ref: 'main' } },
      'claims.ref',
    ],
    [
      'a ref_type other than branch or tag',
      { claims: { repository_id: '1', repository_owner_id: '2', ref_type: 'pr' } },
      'claims.ref_type',
    ],
    [
      'a repository that is not owner/name',
      { claims: { repository_id: '1', repository_owner_id: '2', repository: 'api' } },
      'claims.repository',
    ],
    [
      'a job_workflow_ref without @ref',
      {
        claims: {
          repository_id: '1',
          repository_owner_id: '2',
          job_workflow_ref: 'acme/ci/.github/workflows/x.yml',
        },
      },
      'claims.job_workflow_ref',
    ],
    ['a subject made only of wildcards', { subject: '*' }, 'subject'],
    ['a subject *:*', { subject: '*:*' }, 'subject'],
    ['a subject with an empty part', { subject: 'repo::ref:x' }, 'subject'],
    ['a subject ending in a colon', { subject: 'repo:acme/api:' }, 'subject'],
    ['a subject with U+0000', { subject: 'repo:acme/api\u0000:ref:x' }, 'subject'],
    ['an over-long subject', { subject: `repo:${'a'.repeat(600)}` }, 'subject'],
    ['an unknown scope', { scopes: ['read:planets'] }, 'scopes[0]'],
    ['a malformed scope', { scopes: ['everything'] }, 'scopes[0]'],
    ['no scope', { scopes: [] }, 'scopes'],
    ['a token lifetime under 60 s', { tokenTtlSeconds: 59 }, 'tokenTtlSeconds'],
    ['a token lifetime over 3600 s', { tokenTtlSeconds: 3601 }, 'tokenTtlSeconds'],
    ['an empty name', { name: '   ' }, 'name'],
    ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name'],
    ['an unknown field', { repository: 'acme/api' }, 'repository'],
  ];

  it.each(refused)('refuses %s', async (_what, over, field) => {
    const before = await listAll();
    const res = await api(t, 'POST', feds(), { session: adminA, body: github(over) });
    await expectValidation(res, field);
    expect(await listAll()).toEqual(before);
  });

  it('a missing issuer or name is refused too', async () => {
    const { issuer: _i, ...noIssuer } = github();
    await expectValidation(await api(t, 'POST', feds(), { session: adminA, body: noIssuer }), 'issuer');
    const { name: _n, ...noName } = github();
    await expectValidation(await api(t, 'POST', feds(), { session: adminA, body: noName }), 'name');
  });

  it('names every bad field in one answer', async () => {
    const res = await api(t, 'POST', feds(), {
      session: adminA,
      body: github({
        audience: 'https://github.com/acme',
        subject: '*:*',
        claims: { repository_id: 'x' },
        name: '  ',
      }),
    });
    await expectValidation(
      res,
      'audience',
      'subject',
      'claims.repository_id',
      'claims.repository_owner_id',
      'name',
    );
  });

  it('the refusal messages tell the user where the values come from', async () => {
    const res = await api(t, 'POST', feds(), { session: adminA, body: github({ claims: {} }) });
    const p = await expectValidation(res, 'claims.repository_id');
    expect(p.detail).toMatch(/api\.github\.com\/repos\/OWNER\/REPO/);
    const issuer = await expectValidation(
      await api(t, 'POST', feds(), { session: adminA, body: github({ issuer: 'https://gitlab.com' }) }),
      'issuer',
    );
    expect(issuer.detail).toContain(GITHUB);
  });
});

describe('at most 20 active or disabled federations per organisation', () => {
  it('50 concurrent creates against an empty org: exactly 20 succeed, 30 are refused with 409', async () => {
    const org = await t.newOrg('fed-race', 1000);
    const admin = await user('admin@fed-race.example', org.id, 'admin');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api(t, 'POST', `/orgs/${org.slug}/federations`, {
          session: admin,
          body: github({ name: `racer ${i}` }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    for (const r of responses.filter((x) => x.status === 409)) {
      const p = await expectProblem(r, 409, 'conflict');
      expect(p.detail).toMatch(/limit 20/);
    }
    const list = await api(t, 'GET', `/orgs/${org.slug}/federations?limit=100`, { session: admin });
    const { items } = await list.json();
    expect(items).toHaveLength(20);
    expect(new Set(items.map((f: Fed) => f.clientId)).size).toBe(20);
  });

  it('counts disabled federations; a revoked one frees its slot', async () => {
    const org = await t.newOrg('fed-limit', 1000);
    const ctx = federationContext(t.ctx(), t.config);
    const made = [];
    for (let i = 0; i < 20; i++)
      made.push(await createFederation(ctx, org.id, github({ name: `f${i}` }) as never));
    const admin = await user('admin@fed-limit.example', org.id, 'admin');
    const path = `/orgs/${org.slug}/federations`;
    const patch = await api(t, 'PATCH', `${path}/${made[0]?.id}`, {
      session: admin,
      body: { enabled: false },
    });
    expect((await patch.json()).status).toBe('disabled');
    await expectProblem(await api(t, 'POST', path, { session: admin, body: github() }), 409, 'conflict');
    expect((await api(t, 'POST', `${path}/${made[1]?.id}/revoke`, { session: admin })).status).toBe(200);
    expect((await api(t, 'POST', path, { session: admin, body: github() })).status).toBe(201);
    await expectProblem(await api(t, 'POST', path, { session: admin, body: github() }), 409, 'conflict');
  });
});

describe('who may do what', () => {
  it('read:keys tokens and viewers read; neither may write (403), and nothing changes', async () => {
    const f = await create(github({ name: 'read only' }));
    for (const auth of [{ token: tokens.read }, { session: viewerA }]) {
      expect((await api(t, 'GET', feds(), auth)).status).toBe(200);
      expect((await api(t, 'GET', `${feds()}/${f.id}`, auth)).status).toBe(200);
      for (const [method, path, body] of [
        ['POST', feds(), github()],
        ['PATCH', `${feds()}/${f.id}`, { name: 'renamed' }],
        ['PATCH', `${feds()}/${f.id}`, { enabled: false }],
        ['POST', `${feds()}/${f.id}/revoke`, undefined],
        ['DELETE', `${feds()}/${f.id}`, undefined],
      ] as const) {
        await expectProblem(await api(t, method, path, { ...auth, body }), 403, 'forbidden');
      }
    }
    expect(await getFed(f.id)).toEqual(f);
  });

  it('a token without read:keys cannot list or read federations (403)', async () => {
    for (const token of [tokens.write, tokens.usage]) {
      await expectProblem(await api(t, 'GET', feds(), { token }), 403, 'forbidden');
    }
    await expectProblem(await api(t, 'GET', feds(), { token: tokens.usage }), 403, 'forbidden');
  });

  it('a write:keys token changes federations within its scopes', async () => {
    const f = await create(github({ name: 'within', scopes: ['write:keys'] }));
    const res = await api(t, 'PATCH', `${feds()}/${f.clientId}`, {
      token: tokens.write,
      body: { name: 'renamed' },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe('renamed');
  });
});

describe('no escalation through write:keys', () => {
  it.each([[['write:subjects']], [['*:*']], [['read:*']], [['*:subjects']], [['read:keys', 'read:audit']]])(
    'a read:keys write:keys read:subjects token cannot create one with %j (403), and creates nothing',
    async (scopes) => {
      const before = await listAll();
      const res = await api(t, 'POST', feds(), { token: tokens.rw, body: github({ scopes }) });
      const p = await expectProblem(res, 403, 'forbidden');
      expect(p.detail).toMatch(/federations scopes its own token covers/);
      expect(await listAll()).toEqual(before);
    },
  );

  it('cannot widen a federation it may change (403)', async () => {
    const f = await create(github({ scopes: ['read:keys'] }));
    for (const scopes of [['read:keys', 'read:audit'], ['*:*'], ['write:subjects']]) {
      const res = await api(t, 'PATCH', `${feds()}/${f.id}`, { token: tokens.rw, body: { scopes } });
      await expectProblem(res, 403, 'forbidden');
    }
    expect((await getFed(f.id)).scopes).toEqual(['read:keys']);
    const ok = await api(t, 'PATCH', `${feds()}/${f.id}`, {
      token: tokens.rw,
      body: { scopes: ['read:subjects'] },
    });
    expect(ok.status).toBe(200);
  });

  it('cannot change, loosen, disable, revoke or delete a federation stronger than its token (403)', async () => {
    for (const scopes of [['write:subjects'], ['*:*'], ['read:*']]) {
      const strong = await create(github({ name: 'strong', scopes }));
      for (const [method, path, body] of [
        ['PATCH', `${feds()}/${strong.id}`, { name: 'taken over' }],
        ['PATCH', `${feds()}/${strong.id}`, { subject: 'repo:evil/*:ref:refs/heads/main' }],
        ['PATCH', `${feds()}/${strong.id}`, { claims: { repository_id: '666', repository_owner_id: '666' } }],
        ['PATCH', `${feds()}/${strong.clientId}`, { enabled: false }],
        ['PATCH', `${feds()}/${strong.id}`, { scopes: ['read:keys'] }],
        ['POST', `${feds()}/${strong.id}/revoke`, undefined],
        ['DELETE', `${feds()}/${strong.id}`, undefined],
      ] as const) {
        await expectProblem(await api(t, method, path, { token: tokens.rw, body }), 403, 'forbidden');
      }
      expect(await getFed(strong.id)).toEqual(strong);
      // revoked, it still may not be deleted by the weaker token
      await revokeFederation(federationContext(t.ctx(), t.config), orgA.id, strong.id);
      await expectProblem(
        await api(t, 'DELETE', `${feds()}/${strong.id}`, { token: tokens.rw }),
        403,
        'forbidden',
      );
      expect((await getFed(strong.id)).status).toBe('revoked');
    }
  });

  it('an admin session may create any scopes', async () => {
    const f = await create(github({ scopes: ['*:*'] }));
    expect(f.scopes).toEqual(['*:*']);
  });
});

describe('other organisations answer 404', () => {
  it('another org’s federation through one’s own org, and another org’s path, for tokens and sessions', async () => {
    const b = await create(github({ name: 'b policy', scopes: ['read:keys'] }), { token: tokenB, org: orgB });
    const before = await getFed(b.id, orgB);
    for (const auth of [{ token: tokens.rw }, { session: adminA }]) {
      for (const ref of [b.id, b.clientId]) {
        for (const base of [feds(orgA), feds(orgB), `/orgs/${orgB.id}/federations`]) {
          for (const [method, path, body] of [
            ['GET', `${base}/${ref}`, undefined],
            ['PATCH', `${base}/${ref}`, { name: 'hijacked' }],
            ['POST', `${base}/${ref}/revoke`, undefined],
            ['DELETE', `${base}/${ref}`, undefined],
          ] as const) {
            await expectProblem(await api(t, method, path, { ...auth, body }), 404, 'not-found');
          }
        }
      }
      await expectProblem(await api(t, 'GET', feds(orgB), auth), 404, 'not-found');
      await expectProblem(await api(t, 'POST', feds(orgB), { ...auth, body: github() }), 404, 'not-found');
    }
    expect(await getFed(b.id, orgB)).toEqual(before);
  });

  it('an unknown id in one’s own org → 404', async () => {
    for (const ref of ['fed_doesnotexist', 'kmf_0000000000000000000000', 'km_0000000000000000000000']) {
      await expectProblem(await api(t, 'GET', `${feds()}/${ref}`, { session: adminA }), 404, 'not-found');
    }
  });
});

describe('update, disable, enable, revoke and delete, each audited', () => {
  it('records federation.created with the policy', async () => {
    const f = await create(github({ name: 'audited', tokenTtlSeconds: 900 }));
    const [created] = await auditOf(f.id);
    expect(created).toMatchObject({
      action: 'federation.created',
      actor: { type: 'user' },
      details: {
        clientId: f.clientId,
        name: 'audited',
        issuer: GITHUB,
        audience: 'http://issuer.test',
        subject: 'repo:acme/api:ref:refs/heads/main',
        claims: { repository_id: '123456789', repository_owner_id: '987654', ref: 'refs/heads/main' },
        scopes: ['read:subjects'],
        tokenTtlSeconds: 900,
      },
    });
  });

  it('PATCH changes the policy; federation.updated names each changed field, from and to', async () => {
    const f = await create(github({ name: 'to change' }));
    t.clock.advance(1); // audit events are listed newest first, by time
    const res = await api(t, 'PATCH', `${feds()}/${f.id}`, {
      session: adminA,
      body: {
        name: 'changed',
        audience: 'https://keymint.acme.example',
        subject: 'repo:acme/api:environment:production',
        claims: { repository_id: '123456789', repository_owner_id: '987654', environment: 'production' },
        scopes: ['read:subjects', 'read:keys'],
        tokenTtlSeconds: 120,
      },
    });
    expect(res.status).toBe(200);
    const changed: Fed = await res.json();
    expect(changed).toMatchObject({
      id: f.id,
      clientId: f.clientId,
      name: 'changed',
      audience: 'https://keymint.acme.example',
      subject: 'repo:acme/api:environment:production',
      claims: { repository_id: '123456789', repository_owner_id: '987654', environment: 'production' },
      scopes: ['read:subjects', 'read:keys'],
      tokenTtlSeconds: 120,
      status: 'active',
    });
    expect(await getFed(f.id)).toEqual(changed);
    const events = await auditOf(f.id);
    expect(events.map((e) => e.action)).toEqual(['federation.created', 'federation.updated']);
    expect(events[1]?.details).toEqual({
      clientId: f.clientId,
      changes: {
        name: { from: 'to change', to: 'changed' },
        audience: { from: 'http://issuer.test', to: 'https://keymint.acme.example' },
        subject: { from: 'repo:acme/api:ref:refs/heads/main', to: 'repo:acme/api:environment:production' },
        claims: {
          from: { repository_id: '123456789', repository_owner_id: '987654', ref: 'refs/heads/main' },
          to: { repository_id: '123456789', repository_owner_id: '987654', environment: 'production' },
        },
        scopes: { from: ['read:subjects'], to: ['read:subjects', 'read:keys'] },
        tokenTtlSeconds: { from: null, to: 120 },
      },
    });
    // the same values again change nothing and record nothing
    const again = await api(t, 'PATCH', `${feds()}/${f.id}`, {
      session: adminA,
      body: {
        name: 'changed',
        claims: { environment: 'production', repository_owner_id: '987654', repository_id: '123456789' },
      },
    });
    expect(again.status).toBe(200);
    expect(await auditOf(f.id)).toHaveLength(2);
  });

  it('PATCH checks every value as create does, against the federation’s own issuer', async () => {
    const f = await create(github({ name: 'checked' }));
    for (const [body, field] of [
      [{ claims: { repository_owner_id: '987654' } }, 'claims.repository_id'],
      [{ claims: { repository_id: 'acme', repository_owner_id: '987654' } }, 'claims.repository_id'],
      [{ audience: 'https://github.com/acme' }, 'audience'],
      [{ subject: '*:*:*' }, 'subject'],
      [{ scopes: ['read:planets'] }, 'scopes[0]'],
      [{ tokenTtlSeconds: 4000 }, 'tokenTtlSeconds'],
      [{ issuer: loopbackIssuer }, 'issuer'],
    ] as const) {
      await expectValidation(await api(t, 'PATCH', `${feds()}/${f.id}`, { session: adminA, body }), field);
    }
    expect(await getFed(f.id)).toEqual(f);
    // subject: null removes the pattern
    const cleared = await api(t, 'PATCH', `${feds()}/${f.id}`, { session: adminA, body: { subject: null } });
    expect((await cleared.json()).subject).toBeNull();
  });

  it('disable and enable are events of their own; revoke is final; delete needs a revoked federation', async () => {
    const f = await create(github({ name: 'lifecycle' }));
    const path = `${feds()}/${f.id}`;
    t.clock.advance(1); // audit events are listed newest first, by time
    const disabled = await api(t, 'PATCH', path, { session: adminA, body: { enabled: false } });
    expect((await disabled.json()).status).toBe('disabled');
    await expectProblem(await api(t, 'DELETE', path, { session: adminA }), 409, 'conflict');
    t.clock.advance(1); // audit events are listed newest first, by time
    const enabled = await api(t, 'PATCH', path, { session: adminA, body: { enabled: true } });
    expect((await enabled.json()).status).toBe('active');
    const del = await expectProblem(await api(t, 'DELETE', path, { session: adminA }), 409, 'conflict');
    expect(del.detail).toMatch(/is active; revoke it before deleting it/);
    t.clock.advance(1); // audit events are listed newest first, by time
    const revoked = await api(t, 'POST', `${feds()}/${f.clientId}/revoke`, { session: adminA });
    expect(revoked.status).toBe(200);
    expect((await revoked.json()).status).toBe('revoked');
    // revoking again changes nothing; a revoked federation cannot be changed or re-enabled
    expect((await api(t, 'POST', `${path}/revoke`, { session: adminA })).status).toBe(200);
    await expectProblem(
      await api(t, 'PATCH', path, { session: adminA, body: { enabled: true } }),
      409,
      'conflict',
    );
    expect((await getFed(f.id)).status).toBe('revoked');
    expect((await listAll()).map((x) => x.id)).toContain(f.id);
    t.clock.advance(1); // audit events are listed newest first, by time
    expect((await api(t, 'DELETE', path, { session: adminA })).status).toBe(204);
    await expectProblem(await api(t, 'GET', path, { session: adminA }), 404, 'not-found');
    expect((await listAll()).map((x) => x.id)).not.toContain(f.id);
    const events = await auditOf(f.id);
    expect(events.map((e) => e.action)).toEqual([
      'federation.created',
      'federation.disabled',
      'federation.enabled',
      'federation.revoked',
      'federation.deleted',
    ]);
    for (const e of events) expect(e.details.clientId).toBe(f.clientId);
    expect(events[3]?.details).toMatchObject({ name: 'lifecycle' });
  });

  it('a token acting is audited as its key', async () => {
    const f = await create(github({ name: 'by a token', scopes: ['read:keys'] }), { token: tokens.rw });
    const [created] = await auditOf(f.id);
    expect(created?.actor).toEqual({ type: 'key', id: f.createdBy });
  });
});

describe('listing', () => {
  it('lists every status by default, narrows by status, and pages with a cursor', async () => {
    const org = await t.newOrg('fed-list', 1000);
    const ctx = () => federationContext(t.ctx(), t.config);
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await createFederation(ctx(), org.id, github({ name: `p${i}` }) as never));
      t.clock.advance(1);
    }
    await revokeFederation(ctx(), org.id, made[0]?.id as string);
    const token = await bearer(t, org.id, ['read:keys']);
    const get = async (query: string) => {
      const res = await api(t, 'GET', `/orgs/${org.slug}/federations${query}`, { token });
      expect(res.status).toBe(200);
      return res.json() as Promise<{ items: Fed[]; nextCursor: string | null }>;
    };
    expect((await get('')).items.map((f) => f.name)).toEqual(['p4', 'p3', 'p2', 'p1', 'p0']);
    expect((await get('?status=revoked')).items.map((f) => f.name)).toEqual(['p0']);
    expect((await get('?status=active')).items.map((f) => f.name)).toEqual(['p4', 'p3', 'p2', 'p1']);
    const first = await get('?limit=2');
    expect(first.items.map((f) => f.name)).toEqual(['p4', 'p3']);
    const second = await get(`?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((f) => f.name)).toEqual(['p2', 'p1']);
    const third = await get(`?limit=2&cursor=${second.nextCursor}`);
    expect(third).toEqual({ items: [expect.objectContaining({ name: 'p0' })], nextCursor: null });
    await expectValidation(
      await api(t, 'GET', `/orgs/${org.slug}/federations?status=expired`, { token }),
      'status',
    );
  });
});

describe('the store the token exchange reads', () => {
  it('finds a federation by clientId in any status, never a deleted one or a malformed id', async () => {
    const ctx = federationContext(t.ctx(), t.config);
    const row = await createFederation(ctx, orgA.id, github({ name: 'stored' }) as never);
    expect((await findFederationByClientId(t.deps.db, row.clientId))?.id).toBe(row.id);
    await api(t, 'PATCH', `${feds()}/${row.id}`, { session: adminA, body: { enabled: false } });
    expect((await findFederationByClientId(t.deps.db, row.clientId))?.enabled).toBe(false);
    await revokeFederation(ctx, orgA.id, row.id);
    expect((await findFederationByClientId(t.deps.db, row.clientId))?.revokedAt).toBeInstanceOf(Date);
    await api(t, 'DELETE', `${feds()}/${row.id}`, { session: adminA });
    expect(await findFederationByClientId(t.deps.db, row.clientId)).toBeUndefined();
    expect(await findFederationByClientId(t.deps.db, 'kmf_0000000000000000000000')).toBeUndefined();
    expect(await findFederationByClientId(t.deps.db, row.id)).toBeUndefined();
    expect(await findFederationByClientId(t.deps.db, `${row.clientId}x`)).toBeUndefined();
  });

  it('records last use, writing at most once a minute', async () => {
    const row = await createFederation(
      federationContext(t.ctx(), t.config),
      orgA.id,
      github({ name: 'used' }) as never,
    );
    const t0 = t.clock.now();
    await markFederationUsed(t.deps.db, row.id, t0);
    expect((await getFed(row.id)).lastUsedAt).toBe(t0.toISOString());
    const t1 = new Date(t0.getTime() + 59_000);
    await markFederationUsed(t.deps.db, row.id, t1);
    expect((await getFed(row.id)).lastUsedAt).toBe(t0.toISOString());
    const t2 = new Date(t0.getTime() + 61_000);
    await markFederationUsed(t.deps.db, row.id, t2);
    expect((await getFed(row.id)).lastUsedAt).toBe(t2.toISOString());
    // an older time never moves it back
    await markFederationUsed(t.deps.db, row.id, t0);
    expect((await getFed(row.id)).lastUsedAt).toBe(t2.toISOString());
  });
});
