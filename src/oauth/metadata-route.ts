import { Hono } from 'hono';
import type { Config } from '../config';
import type { AppEnv, Deps } from '../deps';
import { completeResponse, NOSNIFF } from '../lib/complete-response';
import { answerCacheable, type CacheableDocument, cacheableDocument } from '../lib/conditional';
import { sha256Hex } from '../lib/encoding';
import { requestHeader } from '../lib/request-header';
import type { PublishedJwks } from '../signing/keyset';
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

/**
 * The metadata changes only with the published keys' algorithms (the catalog follows the
 * config, fixed per instance): it is built, digest and all, once per load of the keyset
 * (each publishes a new JWKS object, which a Worker isolate keeps across requests) and
 * served from these bytes in between.
 */
const documents = new WeakMap<PublishedJwks, { config: Config; doc: CacheableDocument }>();

async function rebuild(deps: Deps, source: PublishedJwks): Promise<CacheableDocument> {
  const body = JSON.stringify(
    authorizationServerMetadata(deps.config, deps.catalog, deps.keyset.algorithms()),
  );
  const doc = cacheableDocument(body, `"${(await sha256Hex(body)).slice(0, 32)}"`, METADATA_MAX_AGE);
  documents.set(source, { config: deps.config, doc });
  return doc;
}

const NO_METADATA = JSON.stringify({
  error: 'not_found',
  error_description: 'no authorization-code metadata here: use the token endpoint at /token',
});
const NO_METADATA_HEADERS = { 'Content-Type': 'application/json', ...NOSNIFF };

export const metadataRoute = new Hono<AppEnv>();

for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
  metadataRoute.get(path, async (c) => {
    // The MCP SDK's discovery (it sends MCP-Protocol-Version) refuses RFC 8414 metadata
    // without authorization_endpoint and response_types_supported, which an issuer with
    // no authorization endpoint has not got. Told there is no metadata, it falls back to
    // <issuer>/token — exactly keymint's — so its client-credentials flow works; every
    // other client gets the metadata.
    if (requestHeader(c, 'mcp-protocol-version') !== undefined)
      return completeResponse(NO_METADATA, 404, NO_METADATA_HEADERS);
    const deps = c.get('deps');
    const source = deps.keyset.jwks();
    const held = documents.get(source);
    return answerCacheable(c, held?.config === deps.config ? held.doc : await rebuild(deps, source));
  });
}
