import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { timingSafeEqual } from '../lib/encoding';
import { ipAllowed, parseCidr } from '../lib/ip';
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
  | { ok: false; reason: 'revoked' | 'disabled' | 'expired' | 'ip'; key: ApiKeyRow; description: string };

export type KeyLookup = (clientId: string) => Promise<ApiKeyRow | undefined>;

/** One prepared, indexed read by client_id: the token path's only database access. */
export function createKeyLookup(db: Db): KeyLookup {
  const q = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.clientId, sql.placeholder('clientId')))
    .limit(1)
    .prepare('keymint_key_by_client_id');
  return async (clientId) => (await q.execute({ clientId }))[0];
}

export async function authenticateKey(
  lookup: KeyLookup,
  digest: SecretDigester,
  clientId: string,
  secret: string,
  ip: string | undefined,
  now: Date,
): Promise<KeyAuthResult> {
  // Malformed ids and secrets (typos, truncation) fail without a lookup; this reveals
  // nothing about which keys exist.
  if (!CLIENT_ID_RE.test(clientId) || !isWellFormedSecret(secret)) return { ok: false, reason: 'unknown' };
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
    const cidrs = key.allowedCidrs.map(parseCidr).filter((c) => c !== null);
    if (!ipAllowed(cidrs, ip)) {
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
