import { expandGrant, grantCovers } from '../api-keys/scopes';
import { OAuthError } from './oauth-error';

/**
 * The scopes a token will carry: every catalog scope the grant covers when none are
 * asked for, else exactly those asked for (`openid` is accepted and ignored). Tokens
 * carry concrete catalog scopes only, so wildcards cannot be requested.
 */
export function requestedScopes(
  scopeParam: string | undefined,
  grant: readonly string[],
  catalog: readonly string[],
) {
  const asked = [...new Set((scopeParam ?? '').split(' ').filter((s) => s !== '' && s !== 'openid'))];
  if (asked.length === 0) return expandGrant(grant, catalog);
  const refused = asked.filter((s) => !catalog.includes(s) || !grantCovers(grant, s));
  if (refused.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `scope not granted to this client: ${refused.join(' ').slice(0, 300)}`,
    );
  }
  return catalog.filter((s) => asked.includes(s));
}
