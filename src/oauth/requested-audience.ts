import type { Config } from '../config';
import { OAuthError } from './oauth-error';

/**
 * The token's audience: `audience` or `resource` (RFC 8707), never both; absent means
 * API_AUDIENCE. Only audiences this deployment serves are accepted (invalid_target).
 */
export function requestedAudience(form: Map<string, string>, config: Config): string {
  const audience = form.get('audience');
  const resource = form.get('resource');
  if (audience !== undefined && resource !== undefined) {
    throw new OAuthError('invalid_request', 'send audience or resource, not both');
  }
  if (resource !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(resource);
    } catch {
      u = undefined;
    }
    if (!u || u.hash || resource.includes('#')) {
      throw new OAuthError(
        'invalid_target',
        'resource must be an absolute URI without a fragment (RFC 8707)',
      );
    }
  }
  const wanted = audience ?? resource;
  if (wanted === undefined) return config.apiAudience;
  // URL libraries (the MCP SDK's among them) write `https://api.example` as
  // `https://api.example/`: the same resource.
  const bare = (u: string) => u.replace(/\/+$/, '');
  if (wanted === config.apiAudience || bare(wanted) === bare(config.apiAudience)) return config.apiAudience;
  throw new OAuthError(
    'invalid_target',
    `unknown audience "${wanted.slice(0, 200)}"; this server issues tokens for ${config.apiAudience}`,
  );
}
