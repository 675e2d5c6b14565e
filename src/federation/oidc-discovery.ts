import { fetchIssuerJson, OidcFetchError } from './oidc-fetch';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Plain http is what FEDERATION_ISSUERS allows for a loopback issuer (a test or a
 * local identity provider); any other issuer's keys must come over https.
 */
function allowedKeysUrl(issuer: string, jwksUri: string): boolean {
  let u: URL;
  try {
    u = new URL(jwksUri);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && new URL(issuer).protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

/**
 * The issuer's JWKS URL, from its OpenID discovery document. The document must name
 * exactly the configured issuer (OpenID Connect Discovery §4.3), or keys for another
 * issuer could be taken as this one's.
 */
export async function discoverJwksUri(issuer: string, signal: AbortSignal): Promise<string> {
  const url = `${issuer}/.well-known/openid-configuration`;
  const { body } = await fetchIssuerJson(url, signal);
  const doc = (body ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (doc.issuer !== issuer) {
    throw new OidcFetchError(
      `${url} names issuer ${JSON.stringify(String(doc.issuer ?? '')).slice(0, 200)}, not ${issuer}`,
    );
  }
  if (typeof doc.jwks_uri !== 'string' || !allowedKeysUrl(issuer, doc.jwks_uri)) {
    throw new OidcFetchError(`${url} has no https jwks_uri`);
  }
  return doc.jwks_uri;
}
