import type { ApiKeyRow } from '../../db/schema/index';
import type { Deps } from '../../deps';
import { seconds } from '../../lib/clock';
import { signAccessToken } from '../../signing/access-token';
import { requestedAudience } from '../requested-audience';
import { requestedScopes } from '../requested-scope';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** RFC 6749 §4.4: an authenticated key gets an RFC 9068 access token. */
export async function clientCredentialsGrant(
  deps: Deps,
  key: ApiKeyRow,
  form: Map<string, string>,
  ip: string | undefined,
): Promise<TokenResponse> {
  const now = deps.clock.now();
  const scopes = requestedScopes(form.get('scope'), key.scopes, deps.catalog);
  const aud = requestedAudience(form, deps.config);
  const iat = seconds(now);
  let ttl = key.tokenTtlSeconds ?? deps.config.tokenTtlSeconds;
  // A token never outlives the key that obtained it.
  if (key.expiresAt) ttl = Math.max(1, Math.min(ttl, seconds(key.expiresAt) - iat));
  const scope = scopes.join(' ');
  const accessToken = await signAccessToken(deps.keyset, {
    iss: deps.config.issuerUrl,
    sub: key.clientId,
    client_id: key.clientId,
    aud,
    iat,
    exp: iat + ttl,
    jti: crypto.randomUUID(),
    scope,
    org_id: key.orgId,
  });
  deps.usage.record(key.id, key.orgId, now, 'issued', ip);
  return { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope };
}
