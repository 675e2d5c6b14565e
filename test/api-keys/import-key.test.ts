import bcrypt from 'bcryptjs';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import type { PasswordHasher } from '../../src/auth/password-hasher';
import { api, bearer } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem, expectValidation } from '../management/problems';

// Migration from another issuer: a client keeps its client_id and secret, keymint stores
// the secret as bcrypt and authenticates it on /token; rotating it issues a keymint secret.
let t: TestApp;
let org: { id: string; slug: string };
let writer: string;
let ip = 0;
const nextIp = () => `198.51.100.${++ip}`;

/** Counts the bcrypt comparisons /token makes, around the deployment's own hasher. */
let compares = 0;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  const inner: PasswordHasher = t.deps.passwordHasher;
  t.deps.passwordHasher = {
    hash: (p) => inner.hash(p),
    verify: (p, h) => {
      compares++;
      return inner.verify(p, h);
    },
  };
  org = await t.newOrg('migrating', 6);
  writer = await bearer(t, org.id, ['read:subjects', 'read:keys', 'write:keys', 'read:audit']);
});
afterAll(() => t?.close());

const importing = (body: Record<string, unknown>, token = writer) =>
  api(t, 'POST', `/orgs/${org.slug}/keys/import`, { token, body });

const token = (clientId: string, secret: string) =>
  requestToken(t.app, { clientId, secret }, {}, { ip: nextIp() });

async function refusal(res: Response): Promise<{ body: unknown; headers: [string, string][] }> {
  expect(res.status).toBe(401);
  return {
    body: await res.json(),
    headers: [...res.headers.entries()].filter(([h]) => h !== 'date'),
  };
}

describe('importing with the secret itself', () => {
  const clientId = 'legacy-billing-sync';
  const secret = 'S3cr3t.from-the-old-issuer';

  it('keeps the client id, stores bcrypt, shows no secret and audits key.imported', async () => {
    const res = await importing({ name: 'billing', clientId, clientSecret: secret, scopes: ['read:keys'] });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const key = await res.json();
    expect(key).toMatchObject({
      name: 'billing',
      clientId,
      secretPreview: '(imported)',
      scopes: ['read:keys'],
      status: 'active',
    });
    expect(key).not.toHaveProperty('clientSecret');
    expect(Date.parse(key.expiresAt) - Date.parse(key.createdAt)).toBe(90 * 86_400_000);
    const rows = await t.testDb.database.db.query.apiKeys.findMany();
    const row = rows.find((r) => r.clientId === clientId);
    expect(row?.secretDigest).toMatch(/^\$2[ab]\$04\$/);
    expect(JSON.stringify(rows)).not.toContain(secret);

    const audit = await (
      await api(t, 'GET', `/orgs/${org.slug}/audit-events?action=key.imported`, { token: writer })
    ).json();
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      action: 'key.imported',
      target: { type: 'key', id: key.id },
      details: { clientId, name: 'billing', secretFrom: 'secret' },
    });
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('gets tokens on /token with it, through client_secret_basic and client_secret_post', async () => {
    const res = await token(clientId, secret);
    expect(res.status).toBe(200);
    const claims = decodeJwt((await res.json()).access_token);
    expect(claims).toMatchObject({ sub: clientId, client_id: clientId, org_id: org.id, scope: 'read:keys' });
    const post = await t.app.request(
      '/token',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: secret,
        }),
      },
      { incoming: { socket: { remoteAddress: nextIp() } } },
    );
    expect(post.status).toBe(200);
  });

  it('refuses a wrong secret exactly like an unknown client id, each after one bcrypt comparison', async () => {
    compares = 0;
    const wrong = await refusal(await token(clientId, 'S3cr3t.from-the-old-issuer!'));
    expect(compares).toBe(1);
    compares = 0;
    const unknown = await refusal(await token('legacy-nobody', 'S3cr3t.from-the-old-issuer'));
    // No such key: a dummy comparison, so the answer takes as long as for a known id.
    expect(compares).toBe(1);
    expect(unknown).toEqual(wrong);
    expect(wrong.body).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });

  it('is not refused as malformed: its secret has no keymint checksum', async () => {
    compares = 0;
    expect((await token(clientId, secret)).status).toBe(200);
    expect(compares).toBe(1);
  });
});

describe('importing a bcrypt hash of the secret', () => {
  const secret = 'hash-only-secret-123';

  it('authenticates the secret behind the hash', async () => {
    const hash = bcrypt.hashSync(secret, 4).replace(/^\$2b\$/, '$2y$');
    const res = await importing({
      name: 'reports',
      clientId: 'reports@old-issuer',
      clientSecretBcrypt: hash,
      scopes: ['read:subjects'],
      expiresIn: '30d',
    });
    expect(res.status).toBe(201);
    expect((await token('reports@old-issuer', secret)).status).toBe(200);
    expect((await token('reports@old-issuer', `${secret}x`)).status).toBe(401);
    const audit = await (
      await api(t, 'GET', `/orgs/${org.slug}/audit-events?action=key.imported`, { token: writer })
    ).json();
    expect(audit.items.map((e: { details: { secretFrom: string } }) => e.details.secretFrom)).toContain(
      'bcrypt-hash',
    );
  });

  it('refuses a hash of another cost than BCRYPT_COST, saying what to do', async () => {
    const res = await importing({
      name: 'costly',
      clientId: 'costly-client',
      clientSecretBcrypt: bcrypt.hashSync(secret, 5),
      scopes: ['read:subjects'],
    });
    const problem = await expectValidation(res, 'clientSecretBcrypt');
    expect(problem.detail).toMatch(/cost 5.*BCRYPT_COST is 4/);
  });
});

describe('rotating an imported key', () => {
  it('issues a keymint secret: SHA-256 from then on, the imported one kept only for the grace period', async () => {
    const clientId = 'rotate-me';
    const old = 'the-old-issuers-secret';
    expect(
      (await importing({ name: 'rotating', clientId, clientSecret: old, scopes: ['read:subjects'] })).status,
    ).toBe(201);
    const res = await api(t, 'POST', `/orgs/${org.slug}/keys/${clientId}/rotate`, {
      token: writer,
      body: { gracePeriodSeconds: 60 },
    });
    expect(res.status).toBe(200);
    const rotated = await res.json();
    expect(rotated.clientSecret).toMatch(/^kms_[0-9A-Za-z]{49}$/);
    expect(rotated.secretPreview).toBe(`kms_…${rotated.clientSecret.slice(-4)}`);
    const row = (await t.testDb.database.db.query.apiKeys.findMany()).find((r) => r.clientId === clientId);
    expect(row?.secretDigest).toMatch(/^sha256:/);

    compares = 0;
    expect((await token(clientId, rotated.clientSecret)).status).toBe(200);
    expect(compares).toBe(0); // the new secret costs no bcrypt
    expect((await token(clientId, old)).status).toBe(200); // the grace period
    t.clock.advance(61);
    compares = 0;
    const refused = await refusal(await token(clientId, old));
    expect(compares).toBe(1); // still one comparison per refusal, as for an unknown id
    expect(refused.body).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
    expect((await token(clientId, generateSecret())).status).toBe(401);
    expect((await token(clientId, rotated.clientSecret)).status).toBe(200);
  });
});

describe('refusals', () => {
  it('refuses a client id already in use, in this organisation or another', async () => {
    const again = await importing({
      name: 'twice',
      clientId: 'legacy-billing-sync',
      clientSecret: 'another-secret',
      scopes: ['read:keys'],
    });
    expect((await expectProblem(again, 409, 'conflict')).detail).toMatch(/already in use/);
    const other = await t.newOrg();
    const keymintKey = await t.newKey(other.id);
    const elsewhere = await importing({
      name: 'elsewhere',
      clientId: `${keymintKey.clientId}x`,
      clientSecret: 'another-secret',
      scopes: ['read:keys'],
    });
    // km_… is keymint's own format, whoever holds it.
    await expectValidation(elsewhere, 'clientId');
  });

  it('refuses ids in keymint’s formats, bad ids, and a secret given twice or not at all', async () => {
    const base = { name: 'x', scopes: ['read:keys'], clientSecret: 'long enough secret' };
    for (const clientId of ['km_0000000000000000000000', 'kmf_x', 'kms_x', 'key_abc', 'has space', '', 'é']) {
      await expectValidation(await importing({ ...base, clientId }), 'clientId');
    }
    await expectValidation(await importing({ ...base, clientId: 'x'.repeat(129) }), 'clientId');
    await expectValidation(
      await importing({ ...base, clientId: 'both', clientSecretBcrypt: bcrypt.hashSync('x', 4) }),
      'clientSecret',
    );
    const { clientSecret: _, ...none } = base;
    await expectValidation(await importing({ ...none, clientId: 'neither' }), 'clientSecret');
    await expectValidation(
      await importing({ ...base, clientId: 'short', clientSecret: 'short' }),
      'clientSecret',
    );
    await expectValidation(
      await importing({ ...base, clientId: 'long', clientSecret: 'x'.repeat(73) }),
      'clientSecret',
    );
    await expectValidation(
      await importing({
        ...base,
        clientId: 'not-bcrypt',
        clientSecret: undefined,
        clientSecretBcrypt: 'md5:abc',
      }),
      'clientSecretBcrypt',
    );
  });

  it('refuses to grant more than the calling token holds (no escalation)', async () => {
    const res = await importing({
      name: 'stronger',
      clientId: 'stronger-client',
      clientSecret: 'long enough secret',
      scopes: ['read:usage'],
    });
    await expectProblem(res, 403, 'forbidden');
  });

  it('holds the organisation’s limit of live keys', async () => {
    // 6 allowed: the caller, billing, reports, rotate-me; two more fit.
    for (const n of [1, 2]) {
      const res = await importing({
        name: `filler ${n}`,
        clientId: `filler-${n}`,
        clientSecret: 'long enough secret',
        scopes: ['read:keys'],
      });
      expect(res.status).toBe(201);
    }
    const over = await importing({
      name: 'one too many',
      clientId: 'one-too-many',
      clientSecret: 'long enough secret',
      scopes: ['read:keys'],
    });
    expect((await expectProblem(over, 409, 'active-key-limit')).detail).toMatch(/limit 6/);
  });

  it('needs write:keys', async () => {
    const reader = await bearer(t, (await t.newOrg('readers')).id, ['read:keys']);
    const res = await api(t, 'POST', '/orgs/readers/keys/import', {
      token: reader,
      body: {
        name: 'x',
        clientId: 'reader-import',
        clientSecret: 'long enough secret',
        scopes: ['read:keys'],
      },
    });
    expect(res.status).toBe(403);
  });
});

describe("keymint's own keys", () => {
  it('say "malformed client secret" for a secret whose checksum fails, the same for a known and an unknown id', async () => {
    const key = await t.newKey((await t.newOrg()).id);
    const typo = `${key.secret.slice(0, 10)}${key.secret[10] === 'a' ? 'b' : 'a'}${key.secret.slice(11)}`;
    compares = 0;
    const known = await refusal(await token(key.clientId, typo));
    const unknown = await refusal(await token('km_0000000000000000000000', typo));
    expect(known).toEqual(unknown);
    expect(known.body).toEqual({ error: 'invalid_client', error_description: 'malformed client secret' });
    expect(compares).toBe(0);
    // A well-formed wrong secret is still told nothing.
    expect((await refusal(await token(key.clientId, generateSecret()))).body).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });
});
