import { and, eq } from 'drizzle-orm';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, signingKeys } from '../../src/db/schema/index';
import { JWKS_MAX_AGE_SECONDS, listSigningKeys } from '../../src/signing/lifecycle';
import {
  RELOAD_MARGIN_SECONDS,
  RotationTooEarlyError,
  rotateSigningKeys,
} from '../../src/signing/manual-rotation';
import { signingPolicy } from '../../src/signing/signing-policy';
import { startTestServer } from '../helpers/listening-server';
import { requestToken } from '../helpers/oauth-client';
import type { TestApp } from '../helpers/test-app';

// Signing keys: an operator's rotation never makes a key sign before it
// has been in the published JWKS for one max-age, also twice in a row or from two
// places at once; --now is the escape hatch for a compromised key.
const WAIT = JWKS_MAX_AGE_SECONDS + RELOAD_MARGIN_SECONDS;

let t: TestApp & { url: string };
let key: { clientId: string; secret: string };
beforeAll(async () => {
  t = await startTestServer();
  key = await t.newKey((await t.newOrg()).id);
});
afterAll(() => t?.close());

/** What `signing-keys rotate [--now]` does, then this instance reloading its keys (as its change watcher would). */
async function rotate(immediately = false) {
  const r = await rotateSigningKeys(t.deps.db, t.deps.kek, signingPolicy(t.config), t.clock.now(), {
    immediately,
  });
  await t.deps.keyset.refresh();
  return r;
}
const refusal = async (immediately = false) => {
  const e = await rotate(immediately).catch((error: unknown) => error);
  expect(e).toBeInstanceOf(RotationTooEarlyError);
  return e as RotationTooEarlyError;
};
const issue = async () => (await (await requestToken(t.app, key)).json()).access_token as string;
const fetchJwks = async () => (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
const keysIn = async (state: 'next' | 'current') => {
  const rows = await listSigningKeys(t.deps.db, [state]);
  expect(rows).toHaveLength(1);
  return rows[0] as NonNullable<(typeof rows)[0]>;
};

describe('signing-keys rotate', () => {
  it('refuses a second rotation in a row, saying when it can, and never lets a key sign before it was published a max-age', async () => {
    t.clock.advance(WAIT); // the first next key has been published long enough
    const first = await rotate();
    expect(first.early).toBe(false);
    expect(first.publishedSeconds).toBeGreaterThanOrEqual(JWKS_MAX_AGE_SECONDS);
    const next = await keysIn('next');
    expect(first.next.kid).toBe(next.kid);

    const second = await refusal();
    expect(second.nextKid).toBe(next.kid);
    expect(second.signableAt.getTime()).toBe(next.createdAt.getTime() + WAIT * 1000);
    expect(second.detail).toContain(second.signableAt.toISOString());
    expect(second.detail).toMatch(new RegExp(`\\(in ${WAIT} s\\)`));
    expect(second.detail.split('\n')).toHaveLength(1);
    // Nothing moved: the key the first rotation promoted still signs.
    expect((await keysIn('current')).kid).toBe(first.to);
    expect(decodeProtectedHeader(await issue()).kid).toBe(first.to);

    t.clock.advance(WAIT - 1);
    expect((await refusal()).detail).toMatch(/\(in 1 s\)/);
    t.clock.advance(1);
    const third = await rotate();
    expect(third.to).toBe(next.kid);

    // Each promoted key had been in the JWKS for at least a max-age when it began to sign.
    for (const kid of [first.to, third.to]) {
      const [row] = await t.deps.db.select().from(signingKeys).where(eq(signingKeys.kid, kid));
      const published = (row?.activatedAt?.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0);
      expect(published).toBeGreaterThanOrEqual(JWKS_MAX_AGE_SECONDS * 1000);
    }
  });

  it('lets exactly one of two simultaneous rotations promote; the other is refused', async () => {
    t.clock.advance(WAIT);
    const before = { current: await keysIn('current'), next: await keysIn('next') };
    const results = await Promise.allSettled([rotate(), rotate()]);
    const done = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(done[0]?.value).toMatchObject({ from: before.current.kid, to: before.next.kid });
    expect(refused).toHaveLength(1);
    expect(refused[0]?.reason).toBeInstanceOf(RotationTooEarlyError);
    expect((await keysIn('current')).kid).toBe(before.next.kid);
    await keysIn('next');
  });

  it('keeps tokens verifiable by a verifier that cached the JWKS before the rotation', async () => {
    t.clock.advance(WAIT);
    // A resource server with jose's remote key set: it fetches once, then refetches for
    // an unknown kid only after a cooldown, so it must already hold every key that signs.
    const remote = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    const snapshot = createLocalJWKSet(await fetchJwks());
    const verify = async (token: string) => {
      const o = { issuer: t.url, currentDate: t.clock.now() };
      await jwtVerify(token, remote, o);
      await jwtVerify(token, snapshot, o);
    };
    await verify(await issue());

    await rotate();
    await verify(await issue());
    // Forced by hand again at once: refused, so the keys those verifiers hold still sign.
    await refusal();
    await verify(await issue());
  });

  it('switches at once with --now, reporting that the new key was published too recently', async () => {
    const current = await keysIn('current');
    const next = await keysIn('next');
    t.clock.advance(5);
    const r = await rotate(true);
    expect(r).toMatchObject({ from: current.kid, to: next.kid, early: true });
    expect(r.publishedSeconds).toBeLessThan(JWKS_MAX_AGE_SECONDS);
    expect(decodeProtectedHeader(await issue()).kid).toBe(next.kid);
    expect((await keysIn('next')).kid).toBe(r.next.kid);

    const [event] = await t.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'signing_key.rotated'), eq(auditEvents.targetId, next.kid)));
    expect(event?.details).toMatchObject({ previousKid: current.kid, forced: true });
  });
});
