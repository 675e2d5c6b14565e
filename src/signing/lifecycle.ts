import { and, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import { systemActor } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import { bumpChange } from '../changes/bump';
import type { Db, Tx } from '../db/database';
import { type SigningKeyRow, signingKeys } from '../db/schema/index';
import type { SigningAlg } from './algorithms';
import { generateSigningKey } from './generate-key';
import { seal, unseal } from './kek';

export interface SigningPolicy {
  alg: SigningAlg;
  rotationDays: number;
  /** The JWKS Cache-Control max-age: a next key is published this long before it signs. */
  jwksMaxAgeSeconds: number;
  /** The longest token any key may get: previous keys stay published this long (plus skew). */
  maxTokenTtlSeconds: number;
}

export const JWKS_MAX_AGE_SECONDS = 300;
const VERIFIER_SKEW_SECONDS = 60;
// Only one instance (or CLI) changes signing keys at a time.
const ROTATION_LOCK = 4_201_338;

export interface AdvanceResult {
  changed: boolean;
  rotated: { from: string; to: string } | null;
}

/** The live keys under the rotation lock, with a current and a next key guaranteed. */
export interface LockedKeys {
  tx: Tx;
  current: SigningKeyRow;
  next: SigningKeyRow;
  /** Whether anything was written so far (other instances must then reload). */
  changed: boolean;
}

async function insertNew(tx: Tx, kek: CryptoKey, alg: SigningAlg, state: 'next' | 'current', now: Date) {
  const k = await generateSigningKey(alg);
  const [row] = await tx
    .insert(signingKeys)
    .values({
      kid: k.kid,
      alg,
      publicJwk: k.publicJwk,
      privateJwkSealed: await seal(kek, k.kid, k.privateJwk),
      state,
      createdAt: now,
      activatedAt: state === 'current' ? now : null,
    })
    .returning();
  return row as SigningKeyRow;
}

/** A key leaves the JWKS for good; its private half is dropped so it can never sign again. */
export async function retireKey(tx: Tx, kid: string, now: Date): Promise<void> {
  await tx
    .update(signingKeys)
    .set({ state: 'retired', retiredAt: now, privateJwkSealed: null })
    .where(eq(signingKeys.kid, kid));
}

/** A fresh next key: it starts its time in the JWKS now. */
export const publishNext = (tx: Tx, kek: CryptoKey, policy: SigningPolicy, now: Date) =>
  insertNew(tx, kek, policy.alg, 'next', now);

/**
 * Runs `fn` in one transaction holding the rotation lock, after making sure there is a
 * current key (first start) and a next key of the configured algorithm. Tidies up
 * afterwards: previous keys whose last token has expired are retired, and other
 * instances are told to reload when anything changed.
 */
export async function withSigningKeys<T>(
  db: Db,
  kek: CryptoKey,
  policy: SigningPolicy,
  now: Date,
  fn: (keys: LockedKeys) => Promise<T>,
): Promise<{ result: T; changed: boolean }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${ROTATION_LOCK})`);
    const live = await tx.select().from(signingKeys).where(ne(signingKeys.state, 'retired'));
    let current = live.find((k) => k.state === 'current');
    let next = live.find((k) => k.state === 'next');
    // A wrong KEK must stop us before we seal anything new under it.
    if (current?.privateJwkSealed) await unseal(kek, current.kid, current.privateJwkSealed);
    let changed = false;
    if (!current) {
      // First start: nobody can have cached anything yet, so a key may sign at once.
      current = await insertNew(tx, kek, policy.alg, 'current', now);
      changed = true;
    }
    if (next && next.alg !== policy.alg) {
      // SIGNING_ALG changed: the unused next key is replaced by one of the new algorithm.
      await retireKey(tx, next.kid, now);
      next = undefined;
      changed = true;
    }
    if (!next) {
      next = await publishNext(tx, kek, policy, now);
      changed = true;
    }
    const keys: LockedKeys = { tx, current, next, changed };
    const result = await fn(keys);

    // A previous key stays published until every token it signed has expired.
    const retireBefore = new Date(now.getTime() - (policy.maxTokenTtlSeconds + VERIFIER_SKEW_SECONDS) * 1000);
    const retired = await tx
      .update(signingKeys)
      .set({ state: 'retired', retiredAt: now, privateJwkSealed: null })
      .where(and(eq(signingKeys.state, 'previous'), lte(signingKeys.deactivatedAt, retireBefore)))
      .returning({ kid: signingKeys.kid });
    if (retired.length > 0) keys.changed = true;
    if (keys.changed) await bumpChange(tx);
    return { result, changed: keys.changed };
  });
}

/**
 * Makes the next key the current one and publishes a new next key. The caller decided
 * that it may (the schedule, an operator after the publication wait, or --now).
 */
export async function promoteNext(
  keys: LockedKeys,
  kek: CryptoKey,
  policy: SigningPolicy,
  now: Date,
  by: { actor: string; forced: boolean; reason?: string },
): Promise<{ from: string; to: string }> {
  const { tx, current, next } = keys;
  await tx
    .update(signingKeys)
    .set({ state: 'previous', deactivatedAt: now })
    .where(eq(signingKeys.kid, current.kid));
  await tx
    .update(signingKeys)
    .set({ state: 'current', activatedAt: now })
    .where(eq(signingKeys.kid, next.kid));
  keys.current = { ...next, state: 'current', activatedAt: now };
  keys.next = await publishNext(tx, kek, policy, now);
  keys.changed = true;
  await recordAudit(tx, now, {
    orgId: null,
    action: 'signing_key.rotated',
    actor: systemActor(by.actor),
    target: { type: 'signing_key', id: next.kid },
    details: {
      previousKid: current.kid,
      alg: next.alg,
      forced: by.forced,
      publishedSeconds: Math.floor((now.getTime() - next.createdAt.getTime()) / 1000),
      ...(by.reason ? { reason: by.reason } : {}),
    },
  });
  return { from: current.kid, to: next.kid };
}

/**
 * The schedule: moves signing keys through next → current → previous → retired as the
 * clock says. Creates the first keys, publishes a next key, promotes it once the
 * current key is `rotationDays` old and the next one has been published for a JWKS
 * max-age, and retires previous keys after their last token has expired. Idempotent;
 * safe to call from every instance on a timer. `force` switches at once whatever the
 * ages (a compromised key; see manual-rotation.ts for what operators call).
 */
export async function advanceSigningKeys(
  db: Db,
  kek: CryptoKey,
  policy: SigningPolicy,
  now: Date,
  opts: { force?: boolean } = {},
): Promise<AdvanceResult> {
  const { result, changed } = await withSigningKeys(db, kek, policy, now, async (keys) => {
    const { current, next } = keys;
    const activatedAt = (current.activatedAt ?? current.createdAt).getTime();
    const due = activatedAt + policy.rotationDays * 86_400_000 <= now.getTime();
    const published = next.createdAt.getTime() + policy.jwksMaxAgeSeconds * 1000 <= now.getTime();
    if (!opts.force && !(due && published)) return null;
    return promoteNext(keys, kek, policy, now, {
      actor: opts.force ? 'signing-keys rotate' : 'rotation schedule',
      forced: !!opts.force,
    });
  });
  return { changed, rotated: result };
}

export async function listSigningKeys(db: Db, states?: SigningKeyRow['state'][]): Promise<SigningKeyRow[]> {
  const q = db.select().from(signingKeys);
  const rows = states ? await q.where(inArray(signingKeys.state, states)) : await q;
  const order = { next: 0, current: 1, previous: 2, retired: 3 } as const;
  return rows.sort(
    (a, b) => order[a.state] - order[b.state] || b.createdAt.getTime() - a.createdAt.getTime(),
  );
}
