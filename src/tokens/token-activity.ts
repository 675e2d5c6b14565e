import type { JWTVerifyGetKey } from 'jose';
import type { Db } from '../db/database';
import type { AccessTokenClaims } from '../signing/access-token';
import { isJtiRevoked } from './revoked-tokens';
import type { TokenClientLookup } from './token-client';
import { tokenRefusal } from './token-standing';
import { TokenRejected, verifyAccessToken } from './verify-access-token';

export interface TokenActivityDeps {
  db: Db;
  tokenClients: TokenClientLookup;
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
  const [client, revoked] = await Promise.all([
    d.tokenClients(claims.client_id),
    isJtiRevoked(d.db, claims.jti),
  ]);
  const refusal = tokenRefusal(client, revoked, { orgId: claims.org_id }, o.now);
  return refusal ? { refusal } : { claims };
}

/** What activeTokenClaims needs, from the app's dependencies. */
export const tokenActivityDeps = (deps: {
  db: Db;
  tokenClients: TokenClientLookup;
  accessTokenKeys: JWTVerifyGetKey;
  config: { issuerUrl: string };
}): TokenActivityDeps => ({
  db: deps.db,
  tokenClients: deps.tokenClients,
  accessTokenKeys: deps.accessTokenKeys,
  issuer: deps.config.issuerUrl,
});
