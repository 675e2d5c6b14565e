import { keyStatus } from '../api-keys/status';
import type { Deps } from '../deps';
import { type AccessTokenClaims, verifyOwnAccessToken } from '../signing/access-token';
import { isJtiRevoked } from './revoked-tokens';

/**
 * The claims of a token keymint issued that is still good: valid signature and time,
 * not revoked through /revoke, and its key still active. Null otherwise.
 */
export async function activeTokenClaims(
  deps: Deps,
  token: string,
  audience?: string,
): Promise<AccessTokenClaims | null> {
  const now = deps.clock.now();
  const claims = await verifyOwnAccessToken(deps.keyset, token, {
    issuer: deps.config.issuerUrl,
    audience,
    now,
  });
  if (!claims) return null;
  const [key, revoked] = await Promise.all([
    deps.keyLookup(claims.client_id),
    isJtiRevoked(deps.db, claims.jti),
  ]);
  if (revoked || !key || key.orgId !== claims.org_id || key.deletedAt || keyStatus(key, now) !== 'active')
    return null;
  return claims;
}
