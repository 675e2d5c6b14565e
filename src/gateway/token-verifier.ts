import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { BearerError } from '../auth/bearer';
import { TokenRejected, tokenScopes, verifyAccessToken } from '../tokens/verify-access-token';

/** What the gateway knows about a caller once its token verified. */
export interface VerifiedCaller {
  orgId: string;
  clientId: string;
  scopes: string[];
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
}

const KID_REFETCH_COOLDOWN_MS = 30_000;

/** Keys from an issuer's published JWKS (standalone gateway), refetched on an unknown kid with a cooldown. */
export function remoteKeyResolver(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: KID_REFETCH_COOLDOWN_MS,
    cacheMaxAge: 600_000,
  });
}

/** keymint's access-token verifier, refusing as RFC 6750 `invalid_token`. */
export async function verifyBearer(
  token: string,
  getKey: JWTVerifyGetKey,
  o: { issuer: string; audience: string; now: Date },
): Promise<VerifiedCaller> {
  try {
    const claims = await verifyAccessToken(token, getKey, o);
    return {
      orgId: claims.org_id,
      clientId: claims.client_id,
      scopes: tokenScopes(claims),
      jti: claims.jti,
      exp: claims.exp,
    };
  } catch (e) {
    if (e instanceof TokenRejected) throw new BearerError('invalid_token', e.reason);
    throw e;
  }
}
