import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKey } from '../../src/api-keys/import-key';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { rotateKey } from '../../src/api-keys/rotate-key';
import { updateKey } from '../../src/api-keys/update-key';
import { apiKeys } from '../../src/db/schema/index';
import { api, bearer } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { acrossChange, tokenLoad } from './token-load';

// Instance B (a second keymint on the same database, with its change watcher and lease)
// serves key rows from memory; A (the test app) answers the changes. Whatever B holds,
// once A has answered a change no request B receives afterwards gets a token on the
// key's old state.
let a: TestApp;
let b: SecondInstance;
let orgId: string;

beforeAll(async () => {
  a = await createTestApp();
  b = await startSecondInstance(a);
  orgId = (await a.newOrg(undefined, 100)).id;
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
});

// A fresh address per request, so the failures after a change never meet the
// per-address throttle (they must be 401, not 429).
let requests = 0;
const fromFreshAddress = () => {
  const n = ++requests;
  return { ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
};
/** A management API token allowed to change the test keys (its grant covers theirs), at the clock's time. */
const admin = () => bearer(a, orgId, ['write:keys', 'read:subjects']);
const newKey = (input: Parameters<TestApp['newKey']>[1] = {}) =>
  a.newKey(orgId, { scopes: ['read:subjects'], ...input });

/** The precondition of every load test: B holds key rows in memory and may serve them. */
function expectServingFromMemory() {
  expect(b.deps.instance.current()).toBe(true);
  expect(b.deps.keyCache.size().entries).toBeGreaterThan(0);
}

const tokenOnB = (key: { clientId: string; secret: string }) =>
  requestToken(b.app, key, {}, fromFreshAddress());

async function expiresIn(app: SecondInstance['app'], key: { clientId: string; secret: string }) {
  const res = await requestToken(app, key);
  expect(res.status).toBe(200);
  return (await res.json()).expires_in as number;
}

/** Changes the row behind keymint's back: no announcement, so only a database read sees it. */
const setTtlUnannounced = (keyId: string, ttl: number) =>
  a.deps.db.update(apiKeys).set({ tokenTtlSeconds: ttl }).where(eq(apiKeys.id, keyId));

describe('key rows served from memory', () => {
  it('serves a key that proved its secret from memory, and forgets it when a change is answered', async () => {
    const key = await newKey({ tokenTtlSeconds: 300 });
    expect(await expiresIn(b.app, key)).toBe(300);
    await setTtlUnannounced(key.id, 120);
    // A reads the row; B answers from memory.
    expect(await expiresIn(a.app, key)).toBe(120);
    expect(await expiresIn(b.app, key)).toBe(300);
    await updateKey(a.ctx(), orgId, key.id, { tokenTtlSeconds: 600 });
    expect(await expiresIn(b.app, key)).toBe(600);
  });

  it('serves an imported (bcrypt) key from memory too: no bcrypt comparison per token', async () => {
    const hashing = { hasher: a.deps.passwordHasher, cost: a.config.bcryptCost };
    const imported = await importKey(a.ctx(), hashing, orgId, {
      name: 'legacy client',
      scopes: ['read:subjects'],
      tokenTtlSeconds: 300,
      clientId: 'legacy-client-0001',
      clientSecret: 'a legacy secret',
    });
    const key = { clientId: imported.clientId, secret: 'a legacy secret' };
    expect(await expiresIn(b.app, key)).toBe(300);
    await setTtlUnannounced(imported.id, 120);
    expect(await expiresIn(b.app, key)).toBe(300);
    const wrong = await requestToken(b.app, { ...key, secret: 'not the secret' }, {}, fromFreshAddress());
    expect(wrong.status).toBe(401);
    await revokeKey(a.ctx(), orgId, imported.id);
    const res = await tokenOnB(key);
    expect(res.status).toBe(401);
    expect((await res.json()).error_description).toMatch(/^key revoked at/);
  });

  it('remembers only secrets that proved a key: wrong secrets and unknown ids take the database path', async () => {
    const key = await newKey();
    expect((await tokenOnB(key)).status).toBe(200);
    const held = b.deps.keyCache.size().entries;
    const wrong = `${key.secret.slice(0, 4)}${'A'.repeat(key.secret.length - 4)}`;
    const unknown = { clientId: `km_${'Z'.repeat(22)}`, secret: key.secret };
    for (let i = 0; i < 5; i++) {
      const refusals = [await tokenOnB({ ...key, secret: wrong }), await tokenOnB(unknown)];
      for (const res of refusals) {
        expect(res.status).toBe(401);
        expect((await res.json()).error_description).not.toMatch(/revoked|disabled|expired/);
      }
    }
    expect(b.deps.keyCache.size().entries).toBe(held);
    expect((await tokenOnB(key)).status).toBe(200);
  });
});

describe('a change answered on instance A, with B under load (20 concurrent token requests)', () => {
  it('revoke through the API: every request B receives after the answer is refused', async () => {
    const key = await newKey();
    const token = await admin();
    const { after, all } = await acrossChange(
      tokenLoad(() => tokenOnB(key)),
      async () => {
        expectServingFromMemory();
        const res = await api(a, 'POST', `/orgs/${orgId}/keys/${key.id}/revoke`, { token });
        expect(res.status).toBe(200);
      },
    );
    expect(all.some((x) => x.status === 200)).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(60);
    expect(after.filter((x) => x.status !== 401)).toEqual([]);
  });

  it('disable through the API: every request B receives after the answer is refused', async () => {
    const key = await newKey();
    const token = await admin();
    const { after, all } = await acrossChange(
      tokenLoad(() => tokenOnB(key)),
      async () => {
        expectServingFromMemory();
        const res = await api(a, 'PATCH', `/orgs/${orgId}/keys/${key.id}`, {
          token,
          body: { enabled: false },
        });
        expect(res.status).toBe(200);
      },
    );
    expect(all.some((x) => x.status === 200)).toBe(true);
    expect(after.filter((x) => x.status !== 401)).toEqual([]);
    const res = await tokenOnB(key);
    expect((await res.json()).error_description).toBe('key is disabled');
  });

  it('rotate without grace: the old secret is refused by B from the answer on, the new one works', async () => {
    const key = await newKey();
    let secret = '';
    const { after, all } = await acrossChange(
      tokenLoad(() => tokenOnB(key)),
      async () => {
        expectServingFromMemory();
        secret = (await rotateKey(a.ctx(), orgId, key.id)).secret;
      },
    );
    expect(all.some((x) => x.status === 200)).toBe(true);
    expect(after.filter((x) => x.status !== 401)).toEqual([]);
    expect((await tokenOnB({ clientId: key.clientId, secret })).status).toBe(200);
  });
});

describe('every kind of change reaches B before it is answered', () => {
  it('scopes, allowed ranges and token lifetime', async () => {
    const key = await newKey({ scopes: ['read:subjects', 'write:subjects'] });
    expect((await (await tokenOnB(key)).json()).scope).toBe('read:subjects write:subjects');
    await updateKey(a.ctx(), orgId, key.id, { scopes: ['read:subjects'] });
    expect((await (await tokenOnB(key)).json()).scope).toBe('read:subjects');
    await updateKey(a.ctx(), orgId, key.id, { tokenTtlSeconds: 90 });
    expect(await expiresIn(b.app, key)).toBe(90);
    await updateKey(a.ctx(), orgId, key.id, { allowedCidrs: ['192.0.2.0/24'] });
    const res = await requestToken(b.app, key, {}, { ip: '198.51.100.7' });
    expect(res.status).toBe(401);
    expect((await res.json()).error_description).toMatch(/198\.51\.100\.7 are not allowed/);
    expect((await requestToken(b.app, key, {}, { ip: '192.0.2.9' })).status).toBe(200);
  });

  it("a rotation's grace ends, and a key expires, on the clock, whatever B remembers", async () => {
    const expiresAt = new Date(a.clock.now().getTime() + 3600_000).toISOString();
    const key = await newKey({ expiresAt });
    const { secret } = await rotateKey(a.ctx(), orgId, key.id, 60);
    const fresh = { clientId: key.clientId, secret };
    expect((await tokenOnB(key)).status).toBe(200);
    expect((await tokenOnB(fresh)).status).toBe(200);
    a.clock.advance(61);
    expect((await tokenOnB(key)).status).toBe(401);
    expect((await tokenOnB(fresh)).status).toBe(200);
    a.clock.advance(3600);
    const res = await tokenOnB(fresh);
    expect(res.status).toBe(401);
    expect((await res.json()).error_description).toMatch(/^key expired at/);
  });

  it('delete: a deleted key is unknown on B once the delete is answered', async () => {
    const key = await newKey();
    expect((await tokenOnB(key)).status).toBe(200);
    await revokeKey(a.ctx(), orgId, key.id);
    expect((await (await tokenOnB(key)).json()).error_description).toMatch(/^key revoked at/);
    const res = await api(a, 'DELETE', `/orgs/${orgId}/keys/${key.id}`, { token: await admin() });
    expect(res.status).toBe(204);
    expect((await (await tokenOnB(key)).json()).error_description).toBe('client authentication failed');
  });
});
