import { Hono } from 'hono';
import type { Config } from '../config';
import type { AppEnv } from '../deps';
import { cacheableJson } from '../lib/conditional';
import { sha256Hex } from '../lib/encoding';
import { SUPPORTED_GRANTS } from './token-route';

const METADATA_MAX_AGE = 3600;

/** RFC 8414 metadata. response_types_supported is omitted: this server has no authorization endpoint. */
export function authorizationServerMetadata(
  config: Config,
  catalog: readonly string[],
  signingAlgs: string[],
) {
  const base = config.issuerUrl;
  return {
    issuer: base,
    token_endpoint: `${base}/token`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    introspection_endpoint: `${base}/introspect`,
    revocation_endpoint: `${base}/revoke`,
    grant_types_supported: [...SUPPORTED_GRANTS],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...catalog],
    access_token_signing_alg_values_supported: signingAlgs,
  };
}

export const metadataRoute = new Hono<AppEnv>();

for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
  metadataRoute.get(path, async (c) => {
    // The MCP SDK's discovery (it sends MCP-Protocol-Version) refuses RFC 8414 metadata
    // without authorization_endpoint and response_types_supported, which an issuer with
    // no authorization endpoint has not got. Told there is no metadata, it falls back to
    // <issuer>/token — exactly keymint's — so its client-credentials flow works; every
    // other client gets the metadata.
    if (c.req.header('mcp-protocol-version') !== undefined) {
      return c.json(
        {
          error: 'not_found',
          error_description: 'no authorization-code metadata here: use the token endpoint at /token',
        },
        404,
      );
    }
    const { config, catalog, keyset } = c.var.deps;
    const body = JSON.stringify(authorizationServerMetadata(config, catalog, keyset.algorithms()));
    return cacheableJson(c, body, `"${(await sha256Hex(body)).slice(0, 32)}"`, METADATA_MAX_AGE);
  });
}
