import type { Deps } from '../../deps';
import { seconds } from '../../lib/clock';
import { signAccessToken } from '../../signing/access-token';

export interface IssuedAccessToken {
  accessToken: string;
  /** Seconds until it expires. */
  ttl: number;
  /** The granted scopes, space-separated as the token and the answer carry them. */
  scope: string;
}

/**
 * The one place keymint's RFC 9068 access tokens are made, whichever grant earned them:
 * the client (a key or a federation) is its subject, and it lives `ttl` seconds from now.
 */
export async function issueAccessToken(
  deps: Pick<Deps, 'keyset' | 'config'>,
  t: { clientId: string; orgId: string; scopes: string[]; aud: string; now: Date; ttl: number },
): Promise<IssuedAccessToken> {
  const iat = seconds(t.now);
  const scope = t.scopes.join(' ');
  const accessToken = await signAccessToken(deps.keyset, {
    iss: deps.config.issuerUrl,
    sub: t.clientId,
    client_id: t.clientId,
    aud: t.aud,
    iat,
    exp: iat + t.ttl,
    jti: crypto.randomUUID(),
    scope,
    org_id: t.orgId,
  });
  return { accessToken, ttl: t.ttl, scope };
}
