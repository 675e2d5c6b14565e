import { Hono } from 'hono';
import { asDomainError } from '../db/database-error';
import type { AppEnv } from '../deps';
import { answerWithin } from '../lib/answer-within';
import { limitBody } from '../lib/body-limit';
import type { DomainError } from '../lib/domain-error';
import { domainErrorHeaders } from '../lib/domain-error-headers';
import { internalErrorMessage, reportUnexpected } from '../lib/unexpected-failure';
import type { TokenRefusalReason } from '../metrics/metrics';
import { introspectRoute } from './introspect-route';
import { OAuthError, oauthErrorResponse } from './oauth-error';
import { revokeRoute } from './revoke-route';
import { tokenRoute } from './token-route';

/** A refusal by the rules, in RFC 6749 §5.2 terms. */
function oauthErrorFor(e: DomainError): OAuthError {
  const headers = domainErrorHeaders(e);
  switch (e.code) {
    case 'unavailable':
      return new OAuthError('temporarily_unavailable', e.detail, headers, 503);
    case 'rate-limited':
      return new OAuthError('temporarily_unavailable', e.detail, headers, 429);
    case 'payload-too-large':
      return new OAuthError('invalid_request', e.detail, headers, 413);
    case 'unauthorized':
      return new OAuthError('invalid_client', e.detail, headers);
    default:
      return new OAuthError('invalid_request', e.detail, headers);
  }
}

/** The metrics' name for a refused token request. */
function refusalReason(e: OAuthError): TokenRefusalReason {
  if (e.code !== 'temporarily_unavailable') return e.code as TokenRefusalReason;
  return e.status === 429 ? 'throttled' : 'unavailable';
}

/**
 * /token, /introspect and /revoke, with their one error mapping: OAuth errors as RFC
 * 6749 bodies, domain refusals translated to OAuth codes, anything else a logged
 * `server_error` naming the request id.
 */
export function createOAuthRouter(): Hono<AppEnv> {
  const router = new Hono<AppEnv>();
  router.onError((err, c) => {
    const deps = c.get('deps');
    const known = err instanceof OAuthError ? err : asDomainError(err);
    let answer: OAuthError;
    if (known instanceof OAuthError) answer = known;
    else if (known) answer = oauthErrorFor(known);
    else {
      const id = reportUnexpected(deps.log, err, { method: c.req.method, path: c.req.path });
      answer = new OAuthError('server_error', internalErrorMessage(id));
    }
    if (c.req.path === '/token') deps.metrics.tokenRefused(refusalReason(answer));
    return oauthErrorResponse(answer, deps.config.issuerUrl);
  });
  for (const path of ['/token', '/introspect', '/revoke']) router.use(path, limitBody(), answerWithin());
  router.route('/', tokenRoute);
  router.route('/', introspectRoute);
  router.route('/', revokeRoute);
  return router;
}
