import { eq, type SQL, sql } from 'drizzle-orm';
import type { PasswordHasher } from '../auth/password-hasher';
import type { Db } from '../db/database';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { timingSafeEqual } from '../lib/encoding';
import { type Cidr, ipAllowed, parseCidr } from '../lib/ip';
import { type Proof, proveImportedSecret } from './imported-secret';
import type { KeyCache } from './key-cache';
import { CLIENT_ID_RE, DUMMY_DIGEST, isWellFormedSecret, type SecretDigester } from './secrets';
import { keyStatus } from './status';

/**
 * The outcome of presenting client credentials. Failures before the secret is proven
 * carry no detail (`unknown` covers a missing client and a wrong secret alike); after
 * it, the reason may be told to the caller, who evidently holds the secret.
 */
export type KeyAuthResult =
  | { ok: true; key: ApiKeyRow }
  | { ok: false; reason: 'unknown'; key?: ApiKeyRow }
  | { ok: false; reason: 'malformed'; description: string }
  | { ok: false; reason: 'revoked' | 'disabled' | 'expired' | 'ip'; key: ApiKeyRow; description: string };

/**
 * Said of a secret that cannot be a keymint secret (its checksum fails: a typo, a cut), for
 * a keymint client id. It is decided before any lookup, so it says nothing about the key.
 */
export const MALFORMED_SECRET = 'malformed client secret';

export type KeyLookup = (clientId: string) => Promise<ApiKeyRow | undefined>;

/**
 * What an unknown client id finds instead of nothing: a row shaped like a key in use (the
 * same columns set, values of the same types and lengths) under an id no key can have
 * (ids are base62). With it the database sends, the driver parses and drizzle maps one
 * row either way, so the time to refuse a wrong secret does not tell whether the client
 * id exists (without it, a known id was refused measurably slower).
 */
const DECOY_ID = 'key_decoy_______________';
const DECOY = {
  id: sql<string>`${sql.raw(`'${DECOY_ID}'`)}::text`,
  orgId: sql<string>`'org_decoy_______________'::text`,
  name: sql<string>`'decoy key'::text`,
  clientId: sql<string>`'km_decoy_________________'::text`,
  secretDigest: sql<string>`${sql.raw(`'${DUMMY_DIGEST}'`)}::text`,
  secretPreview: sql<string>`'kms_…dcoy'::text`,
  previousSecretDigest: sql<string | null>`null::text`,
  previousValidUntil: sql<Date | null>`null::timestamptz`,
  scopes: sql<string[]>`'{read:subjects}'::text[]`,
  allowedCidrs: sql<string[]>`'{}'::text[]`,
  tokenTtlSeconds: sql<number | null>`null::integer`,
  enabled: sql<boolean>`true`,
  expiresAt: sql<Date | null>`null::timestamptz`,
  createdAt: sql<Date>`'2025-01-01 00:00:00.000+00'::timestamptz`,
  createdBy: sql<string>`'operator'::text`,
  lastUsedAt: sql<Date | null>`'2025-01-01 00:00:00.000+00'::timestamptz`,
  lastUsedIp: sql<string | null>`'192.0.2.1'::text`,
  rotatedAt: sql<Date | null>`null::timestamptz`,
  revokedAt: sql<Date | null>`null::timestamptz`,
  deletedAt: sql<Date | null>`null::timestamptz`,
} satisfies { [K in keyof ApiKeyRow]: SQL<ApiKeyRow[K]> };

/**
 * One prepared, indexed read by client_id, the token path's only database access. It
 * returns exactly one row, the key's or else the decoy: `UNION ALL` is an Append that
 * runs its branches in order and `LIMIT 1` stops after the first row, so the decoy is
 * only built when no key matched (an ORDER BY would cost a sort on every request). Were
 * that order ever broken, a real key would be refused, never a wrong one accepted.
 */
export function createKeyLookup(db: Db): KeyLookup {
  const q = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.clientId, sql.placeholder('clientId')))
    .unionAll(db.select(DECOY).from(sql`(select) as decoy`))
    .limit(1)
    .prepare('keymint_key_by_client_id');
  return async (clientId) => {
    const row = (await q.execute({ clientId }))[0];
    return row && row.id !== DECOY_ID ? row : undefined;
  };
}

export async function authenticateKey(
  lookup: KeyLookup,
  digest: SecretDigester,
  clientId: string,
  secret: string,
  ip: string | undefined,
  now: Date,
  /** bcrypt, for the secrets of keys imported from another issuer (see imported-secret.ts). */
  hasher: Pick<PasswordHasher, 'hash' | 'verify'>,
  /** Keys that proved a secret on this instance before (Node with its change watcher only). */
  cache?: KeyCache,
): Promise<KeyAuthResult> {
  // A client id that is not keymint's own can only be an imported key's.
  if (!CLIENT_ID_RE.test(clientId)) {
    const proof = await throughCache(cache, digest, clientId, secret, now, (d) =>
      proveImportedSecret(lookup, d, hasher, clientId, secret, now),
    );
    return proof.ok ? standing(proof.key, ip, now) : proof;
  }
  // Malformed secrets (typos, truncation) fail without a lookup; this reveals nothing
  // about which keys exist.
  if (!isWellFormedSecret(secret)) return { ok: false, reason: 'malformed', description: MALFORMED_SECRET };
  const proof = await throughCache(cache, digest, clientId, secret, now, (d) =>
    proveSecret(lookup, d, clientId, secret, now),
  );
  return proof.ok ? standing(proof.key, ip, now) : proof;
}

/**
 * A key that proved this very secret before, from memory while the instance may serve
 * from it; otherwise `prove` (the database read) decides and a success is remembered.
 * A wrong secret or an unknown client id never finds an entry, so it always takes the
 * same path as before: the read, the comparisons (and bcrypt for an imported id).
 */
async function throughCache(
  cache: KeyCache | undefined,
  digest: SecretDigester,
  clientId: string,
  secret: string,
  now: Date,
  prove: (digest: SecretDigester) => Promise<Proof>,
): Promise<Proof> {
  if (!cache?.serving()) return prove(digest);
  const presented = await digest(secret);
  const known = cache.get(clientId, presented, now);
  if (known) return { ok: true, key: known };
  const ticket = cache.ticket();
  const proof = await prove(async () => presented);
  if (proof.ok) cache.remember(ticket, clientId, presented, proof.key, now);
  return proof;
}

/** A keymint secret (SHA-256 digests): one read, always two comparisons. */
async function proveSecret(
  lookup: KeyLookup,
  digest: SecretDigester,
  clientId: string,
  secret: string,
  now: Date,
): Promise<Proof> {
  // The digest is computed while the query is in flight.
  const [key, presented] = await Promise.all([lookup(clientId), digest(secret)]);
  // Always two comparisons, whether or not the key exists, so timing says nothing.
  const graceOpen = !!key?.previousValidUntil && key.previousValidUntil.getTime() > now.getTime();
  const matchesCurrent = timingSafeEqual(presented, key?.secretDigest ?? DUMMY_DIGEST);
  const matchesPrevious = timingSafeEqual(
    presented,
    (graceOpen && key?.previousSecretDigest) || DUMMY_DIGEST,
  );
  if (!key || key.deletedAt || !(matchesCurrent || matchesPrevious)) {
    return key && !key.deletedAt ? { ok: false, reason: 'unknown', key } : { ok: false, reason: 'unknown' };
  }
  return { ok: true, key };
}

/**
 * A key row's ranges, parsed once per row object: a key served from the key cache is the
 * same object token after token, so its ranges are not parsed again on every request.
 */
const parsedCidrs = new WeakMap<readonly string[], Cidr[]>();
function cidrsOf(key: ApiKeyRow): Cidr[] {
  let cidrs = parsedCidrs.get(key.allowedCidrs);
  if (!cidrs) {
    cidrs = key.allowedCidrs.map(parseCidr).filter((c) => c !== null);
    parsedCidrs.set(key.allowedCidrs, cidrs);
  }
  return cidrs;
}

/** Once the secret is proven: whether the key may have a token now, and if not, why. */
function standing(key: ApiKeyRow, ip: string | undefined, now: Date): KeyAuthResult {
  const status = keyStatus(key, now);
  switch (status) {
    case 'revoked':
      return {
        ok: false,
        reason: 'revoked',
        key,
        description: `key revoked at ${key.revokedAt?.toISOString()}`,
      };
    case 'expired':
      return {
        ok: false,
        reason: 'expired',
        key,
        description: `key expired at ${key.expiresAt?.toISOString()}`,
      };
    case 'disabled':
      return { ok: false, reason: 'disabled', key, description: 'key is disabled' };
    case 'active':
      break;
  }
  if (key.allowedCidrs.length > 0) {
    if (!ipAllowed(cidrsOf(key), ip)) {
      return {
        ok: false,
        reason: 'ip',
        key,
        description: `requests from ${ip ?? 'an unknown address'} are not allowed for this key`,
      };
    }
  }
  return { ok: true, key };
}
