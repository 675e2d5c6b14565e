import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Actor, RequestMeta } from '../audit/actor';
import { findSession, SESSION_COOKIE } from '../auth/sessions';
import { membershipsOf } from '../auth/users';
import type { SessionRow, UserRow } from '../db/schema/index';
import type { AppEnv } from '../deps';
import { activeTokenClaims } from '../tokens/token-activity';
import { ApiError } from './api-error';

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

/** Where a request came from, for the audit log. */
// biome-ignore lint/suspicious/noExplicitAny: any route's context will do, whatever its env and path
export const requestMeta = (c: Context<any, any>): RequestMeta => ({
  ip: c.var.deps.clientIp(c),
  userAgent: c.req.header('user-agent'),
});

function bearerChallenge(realm: string, error?: string): Record<string, string> {
  return { 'WWW-Authenticate': `Bearer realm="${realm}"${error ? `, error="${error}"` : ''}` };
}

/**
 * Authenticates the caller: a bearer token from /token (audience API_AUDIENCE, key
 * still active, token not revoked), else a console session cookie, which must carry
 * the session's CSRF token on unsafe methods. RFC 6750 challenges otherwise.
 */
export const authenticateCaller: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const deps = c.var.deps;
  const realm = deps.config.issuerUrl;
  const authorization = c.req.header('authorization');
  if (authorization !== undefined) {
    const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
    if (!m?.[1]) {
      throw new ApiError(
        'unauthorized',
        'the Authorization header must be "Bearer <access token>"',
        [],
        bearerChallenge(realm, 'invalid_request'),
      );
    }
    const claims = await activeTokenClaims(deps, m[1], deps.config.apiAudience);
    if (!claims) {
      throw new ApiError(
        'unauthorized',
        'the access token is invalid, expired or revoked',
        [],
        bearerChallenge(realm, 'invalid_token'),
      );
    }
    c.set('caller', {
      kind: 'key',
      orgId: claims.org_id,
      clientId: claims.client_id,
      scopes: claims.scope ? claims.scope.split(' ') : [],
      actor: { type: 'key', id: claims.client_id, label: claims.client_id },
    });
    return next();
  }
  const token = getCookie(c, SESSION_COOKIE);
  const found = token ? await findSession(deps.db, token, deps.clock.now()) : null;
  if (!found)
    throw new ApiError(
      'unauthorized',
      'sign in or send a bearer token from /token',
      [],
      bearerChallenge(realm),
    );
  if (!SAFE_METHODS.has(c.req.method) && c.req.header('x-csrf-token') !== found.session.csrfToken) {
    throw new ApiError('forbidden', 'missing or wrong X-CSRF-Token for this session');
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
