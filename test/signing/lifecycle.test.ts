import { eq, sql } from 'drizzle-orm';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeps } from '../../src/build-deps';
import { signingKeys } from '../../src/db/schema/index';
import { silentLog } from '../../src/lib/log';
import { generateKekBase64, importKek } from '../../src/signing/kek';
import { advanceSigningKeys, listSigningKeys } from '../../src/signing/lifecycle';
import { signingPolicy } from '../../src/signing/signing-policy';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let key: { clientId: string; secret: string };
beforeAll(async () => {
  t = await createTestApp();
  key = await t.newKey((await t.newOrg()).id);
});
afterAll(() => t?.close());

const jwksBody = async () =>
  (await (await t.app.request('/.well-known/jwks.json')).json()) as { keys: Record<string, string>[] };
const kids = async () => (await jwksBody()).keys.map((k) => k.kid);
const issue = async () => (await (await requestToken(t.app, key)).json()).access_token as string;
const advance = async (force = false) => {
  const kek = await importKek(t.kek);
  const r = await advanceSigningKeys(t.deps.db, kek, signingPolicy(t.config), t.clock.now(), { force });
  await t.deps.keyset.refresh();
  return r;
};
const byState = async () => {
  const rows = await listSigningKeys(t.deps.db);
  const of = (state: string) => rows.filter((r) => r.state === state).map((r) => r.kid);
  return { next: of('next'), current: of('current'), previous: of('previous'), retired: of('retired') };
};

describe('the JWKS', () => {
  it('publishes the current and the next key, public parts only, each with kid, alg and use', async () => {
    const { keys } = await jwksBody();
    const states = await byState();
    expect(keys.map((k) => k.kid).sort()).toEqual([...states.current, ...states.next].sort());
    for (const k of keys) {
      expect(k).toMatchObject({ alg: 'RS256', use: 'sig', kty: 'RSA' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(k).not.toHaveProperty(secret);
    }
  });

  it('is cacheable with an ETag and answers 304 to a matching If-None-Match', async () => {
    const res = await t.app.request('/.well-known/jwks.json');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const etag = res.headers.get('etag') as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await t.app.request('/.well-known/jwks.json', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await t.app.request('/.well-known/jwks.json', { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
  });

  it('signs with the current key', async () => {
    expect(decodeProtectedHeader(await issue()).kid).toBe((await byState()).current[0]);
  });
});

describe('scheduled rotation (30 days by default)', () => {
  it('promotes the pre-published key, keeps the previous one until its tokens expired, then retires it', async () => {
    const before = await byState();
    const issuedAt = t.clock.now();
    const oldToken = await issue();
    const etagBefore = (await t.app.request('/.well-known/jwks.json')).headers.get('etag');

    t.clock.advance(29 * 86400);
    expect((await advance()).rotated).toBeNull();

    t.clock.advance(86400);
    const r = await advance();
    expect(r.rotated).toEqual({ from: before.current[0], to: before.next[0] });
    const after = await byState();
    expect(after.current).toEqual(before.next);
    expect(after.previous).toEqual(before.current);
    expect(after.next).toHaveLength(1);
    // Everything a verifier may meet is published: new next, current, previous.
    expect((await kids()).sort()).toEqual([...after.next, ...after.current, ...after.previous].sort());
    expect((await t.app.request('/.well-known/jwks.json')).headers.get('etag')).not.toBe(etagBefore);

    const newToken = await issue();
    expect(decodeProtectedHeader(newToken).kid).toBe(before.next[0]);
    const set = createLocalJWKSet(await jwksBody());
    await expect(
      jwtVerify(newToken, set, { issuer: 'http://issuer.test', currentDate: t.clock.now() }),
    ).resolves.toBeTruthy();
    // A token signed before the rotation still verifies against the published set.
    await expect(
      jwtVerify(oldToken, set, { issuer: 'http://issuer.test', currentDate: issuedAt }),
    ).resolves.toBeTruthy();

    // The previous key stays until the longest possible token (3600 s) plus skew has expired.
    t.clock.advance(3600);
    await advance();
    expect(await kids()).toContain(before.current[0]);
    t.clock.advance(61);
    await advance();
    expect(await kids()).not.toContain(before.current[0]);
    const [retired] = await t.deps.db
      .select()
      .from(signingKeys)
      .where(eq(signingKeys.kid, before.current[0] as string));
    expect(retired?.state).toBe('retired');
    expect(retired?.privateJwkSealed).toBeNull();
  });

  it('never lets a key sign before it was published for one JWKS max-age', async () => {
    // Switching the algorithm replaces the unused next key with a fresh one…
    const kek = await importKek(t.kek);
    const es = { ...signingPolicy(t.config), alg: 'ES256' as const };
    t.clock.advance(31 * 86400); // rotation is due
    const first = await advanceSigningKeys(t.deps.db, kek, es, t.clock.now());
    // …which therefore may not be promoted yet.
    expect(first.rotated).toBeNull();
    t.clock.advance(299);
    expect((await advanceSigningKeys(t.deps.db, kek, es, t.clock.now())).rotated).toBeNull();
    t.clock.advance(1);
    expect((await advanceSigningKeys(t.deps.db, kek, es, t.clock.now())).rotated).not.toBeNull();
    await t.deps.keyset.refresh();
    expect(decodeProtectedHeader(await issue()).alg).toBe('ES256');
  });

  it('lets exactly one of several simultaneous advances rotate, and rotates on demand', async () => {
    const kek = await importKek(t.kek);
    const es = { ...signingPolicy(t.config), alg: 'ES256' as const };
    t.clock.advance(31 * 86400);
    const before = await byState();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => advanceSigningKeys(t.deps.db, kek, es, t.clock.now())),
    );
    expect(results.filter((r) => r.rotated)).toEqual([
      expect.objectContaining({ rotated: { from: before.current[0], to: before.next[0] } }),
    ]);
    const mid = await byState();
    expect(mid.current).toEqual(before.next);
    expect(mid.next).toHaveLength(1);

    const forced = await advanceSigningKeys(t.deps.db, kek, es, t.clock.now(), { force: true });
    expect(forced.rotated).toEqual({ from: mid.current[0], to: mid.next[0] });
    const after = await byState();
    expect(after.current).toEqual(mid.next);
    expect(after.next).toHaveLength(1);
  });
});

describe('private keys at rest', () => {
  it('are sealed under the KEK and useless without it', async () => {
    const rows = await t.deps.db.execute(
      sql`SELECT private_jwk_sealed FROM signing_keys WHERE private_jwk_sealed IS NOT NULL`,
    );
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/"d"|\\"d\\"/);
    await expect(
      buildDeps({
        database: t.testDb.database,
        config: t.config,
        clock: t.clock,
        kekBase64: generateKekBase64(),
        log: silentLog,
        clientIp: () => undefined,
      }),
    ).rejects.toThrow(/KEK does not decrypt signing key/);
  });
});
