import type { ApiKeyRow } from '../../db/schema/index';
import type { Deps } from '../../deps';
import { seconds } from '../../lib/clock';
import { requestedAudience } from '../requested-audience';
import { requestedScopes } from '../requested-scope';
import { issueAccessToken } from './issue-access-token';

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
  let ttl = key.tokenTtlSeconds ?? deps.config.tokenTtlSeconds;
  // A token never outlives the key that obtained it.
  if (key.expiresAt) ttl = Math.max(1, Math.min(ttl, seconds(key.expiresAt) - seconds(now)));
  const issued = await issueAccessToken(deps, {
    clientId: key.clientId,
    orgId: key.orgId,
    scopes,
    aud,
    now,
    ttl,
  });
  deps.usage.record(key.id, key.orgId, now, 'issued', ip);
  return {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: issued.ttl,
    scope: issued.scope,
  };
}
