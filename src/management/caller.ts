import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Actor } from '../audit/actor';
import { BearerError, bearerToken } from '../auth/bearer';
import { findSession, SESSION_COOKIE } from '../auth/sessions';
import { membershipsOf } from '../auth/users';
import type { SessionRow, UserRow } from '../db/schema/index';
import type { AppEnv } from '../deps';
import { DomainError } from '../lib/domain-error';
import { activeTokenClaims, tokenActivityDeps } from '../tokens/token-activity';
import { tokenScopes } from '../tokens/verify-access-token';

/** Who is calling the management API: a key through its bearer token, or a console user. */
export type Caller =
  | { kind: 'key'; orgId: string; clientId: string; scopes: string[]; actor: Actor }
  | {
      kind: 'user';
      user: UserRow;
      session: SessionRow;
      roles: Map<string, 'admin' | 'viewer'>;
      actor: Actor;
    };

export type ApiEnv = AppEnv & { Variables: { caller: Caller } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates the caller: a bearer token from /token (audience API_AUDIENCE, key
 * still active, token not revoked), else a console session cookie, which must carry
 * the session's CSRF token on unsafe methods. RFC 6750 challenges otherwise.
 */
export const authenticateCaller: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const deps = c.var.deps;
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const found = await activeTokenClaims(tokenActivityDeps(deps), bearerToken(authorization), {
      audience: deps.config.apiAudience,
      now: deps.clock.now(),
    });
    if ('refusal' in found) throw new BearerError('invalid_token', found.refusal);
    const { claims } = found;
    c.set('caller', {
      kind: 'key',
      orgId: claims.org_id,
      clientId: claims.client_id,
      scopes: tokenScopes(claims),
      actor: { type: 'key', id: claims.client_id, label: claims.client_id },
    });
    return next();
  }
  const token = getCookie(c, SESSION_COOKIE);
  const found = token ? await findSession(deps.db, token, deps.clock.now()) : null;
  if (!found) throw new BearerError(undefined, 'sign in or send a bearer token from /token');
  if (!SAFE_METHODS.has(c.req.method) && c.req.header('x-csrf-token') !== found.session.csrfToken) {
    throw new DomainError('forbidden', 'missing or wrong X-CSRF-Token for this session');
  }
  const roles = new Map((await membershipsOf(deps.db, found.user.id)).map((m) => [m.orgId, m.role] as const));
  c.set('caller', {
    kind: 'user',
    user: found.user,
    session: found.session,
    roles,
    actor: { type: 'user', id: found.user.id, label: found.user.email },
  });
  return next();
};
