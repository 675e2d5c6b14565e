import type { RequestMeta } from '../audit/actor';
import { BearerError } from '../auth/bearer';
import type { Deps } from '../deps';
import { findOrg } from '../orgs/find-org';
import { activeTokenClaims, tokenActivityDeps } from '../tokens/token-activity';
import { tokenScopes } from '../tokens/verify-access-token';
import type { McpCaller } from './mcp-tools';

/**
 * The caller behind an access token: a key (or federation) of an organisation, acting
 * with its token's scopes, through a good token for API_AUDIENCE (fresh reads, so a
 * revoked key's token is refused on the very next call).
 */
export async function mcpCaller(deps: Deps, token: string, meta: RequestMeta): Promise<McpCaller> {
  const now = deps.clock.now();
  const found = await activeTokenClaims(tokenActivityDeps(deps), token, {
    audience: deps.config.apiAudience,
    now,
  });
  if ('refusal' in found) throw new BearerError('invalid_token', found.refusal);
  const { claims } = found;
  const org = await findOrg(deps.db, claims.org_id);
  const scopes = tokenScopes(claims);
  return {
    org: { id: org.id, slug: org.slug },
    clientId: claims.client_id,
    scopes,
    usage: deps.usage,
    ctx: {
      db: deps.db,
      now,
      catalog: deps.catalog,
      actor: { type: 'key', id: claims.client_id, label: claims.client_id },
      meta,
      actorGrant: scopes,
    },
  };
}
