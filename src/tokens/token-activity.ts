import type { JWTVerifyGetKey } from 'jose';
import type { KeyLookup } from '../api-keys/authenticate-key';
import type { Db } from '../db/database';
import type { AccessTokenClaims } from '../signing/access-token';
import { isJtiRevoked } from './revoked-tokens';
import { tokenRefusal } from './token-standing';
import { TokenRejected, verifyAccessToken } from './verify-access-token';

export interface TokenActivityDeps {
  db: Db;
  keyLookup: KeyLookup;
  /** Verification keys of the tokens this server issued. */
  accessTokenKeys: JWTVerifyGetKey;
  issuer: string;
}

/**
 * A keymint access token that is still good, read fresh from the database: it
 * verifies, its key is active and it was not revoked. Otherwise the reason, written
 * for the caller.
 */
export async function activeTokenClaims(
  d: TokenActivityDeps,
  token: string,
  o: { audience?: string | undefined; now: Date; leewaySeconds?: number },
): Promise<{ claims: AccessTokenClaims } | { refusal: string }> {
  let claims: AccessTokenClaims;
  try {
    claims = await verifyAccessToken(token, d.accessTokenKeys, { issuer: d.issuer, ...o });
  } catch (e) {
    if (e instanceof TokenRejected) return { refusal: e.reason };
    throw e;
  }
  const [key, revoked] = await Promise.all([d.keyLookup(claims.client_id), isJtiRevoked(d.db, claims.jti)]);
  const refusal = tokenRefusal(key, revoked, { orgId: claims.org_id }, o.now);
  return refusal ? { refusal } : { claims };
}

/** What activeTokenClaims needs, from the app's dependencies. */
export const tokenActivityDeps = (deps: {
  db: Db;
  keyLookup: KeyLookup;
  accessTokenKeys: JWTVerifyGetKey;
  config: { issuerUrl: string };
}): TokenActivityDeps => ({
  db: deps.db,
  keyLookup: deps.keyLookup,
  accessTokenKeys: deps.accessTokenKeys,
  issuer: deps.config.issuerUrl,
});
