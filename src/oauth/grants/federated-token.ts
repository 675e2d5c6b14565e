import type { Context } from 'hono';
import type { Deps } from '../../deps';
import { consumeSubjectToken } from '../../federation/exchange-replay-guard';
import { federationStatus } from '../../federation/federation-status';
import { findFederationByClientId, markFederationUsed } from '../../federation/federation-store';
import { shownValue } from '../../federation/verify-claims-seen';
import { verifySubjectToken } from '../../federation/verify-subject-token';
import { DomainError } from '../../lib/domain-error';
import { requestHeader } from '../../lib/request-header';
import { OAuthError } from '../oauth-error';
import { requestedAudience } from '../requested-audience';
import { requestedScopes } from '../requested-scope';
import type { TokenResponse } from './client-credentials';
import { refuseIfThrottled, throttledExchange } from './exchange-throttle';
import { issueAccessToken } from './issue-access-token';

/** RFC 8693 §3: what the exchange issued. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

interface FederatedTokenResponse extends TokenResponse {
  issued_token_type: typeof ACCESS_TOKEN_TYPE;
}

/** What sets one federated grant apart from the other. */
export interface FederatedGrant {
  /** Reads the grant's own parameters and returns the ID token presented. */
  token: (form: Map<string, string>) => string;
  /** How the grant names the token in refusals: "subject token" or "assertion". */
  label: string;
  /** The error code of a refused token: each grant's RFC names its own. */
  refusal: 'invalid_request' | 'invalid_grant';
}

/**
 * The federation named by client_id. A federation has no secret: the ID token alone
 * authenticates the job. Credentials sent with it are an authentication method this
 * client does not have, which RFC 6749 §5.2 answers invalid_client (401); refusing
 * them, rather than ignoring them, makes a secret pasted into a federated job's
 * configuration show up at once instead of travelling with every run.
 */
function federationClientId(c: Context, form: Map<string, string>): string {
  const credentials = ['client_secret', 'client_assertion', 'client_assertion_type'].some((p) => form.has(p));
  if (requestHeader(c, 'authorization') !== undefined || credentials) {
    throw new OAuthError(
      'invalid_client',
      'a federation authenticates with its ID token alone: send client_id without a client_secret or an Authorization header',
    );
  }
  const clientId = form.get('client_id');
  if (clientId === undefined) {
    throw new OAuthError('invalid_client', 'client_id is required: the clientId (kmf_…) of a federation');
  }
  return clientId;
}

async function activeFederation(deps: Deps, clientId: string) {
  const federation = await findFederationByClientId(deps.db, clientId);
  if (!federation) throw new OAuthError('invalid_client', 'unknown federation client_id');
  const status = federationStatus(federation);
  if (status !== 'active') throw new OAuthError('invalid_client', `this federation is ${status}`);
  return federation;
}

/** The /token handler of a federated grant: the exchange below, with the grant's own parameters. */
export function federatedGrant(g: FederatedGrant) {
  return (deps: Deps, c: Context, form: Map<string, string>, ip: string | undefined) =>
    federatedToken(deps, c, g, form, ip);
}

/**
 * The exchange both federated grants share (RFC 8693 token exchange and the RFC 7523
 * jwt-bearer form): the federation, its checks of the ID token, the requested scopes
 * and audience, and last the token's single use, so a refusal never burns the jti.
 */
function federatedToken(
  deps: Deps,
  c: Context,
  g: FederatedGrant,
  form: Map<string, string>,
  ip: string | undefined,
): Promise<FederatedTokenResponse> {
  const now = deps.clock.now();
  const throttleKey = ip ?? 'unknown';
  return throttledExchange(deps, throttleKey, now, async () => {
    const clientId = federationClientId(c, form);
    const token = g.token(form);
    const federation = await activeFederation(deps, clientId);
    let verified: Awaited<ReturnType<typeof verifySubjectToken>>;
    try {
      verified = await verifySubjectToken({
        token,
        federation,
        allowedIssuers: deps.config.federationIssuers,
        keys: deps.oidcKeys,
        now,
        label: g.label,
      });
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'validation')) throw e;
      deps.usage.record(federation.id, federation.orgId, now, 'refused');
      throw new OAuthError(g.refusal, e.detail);
    }
    const scopes = requestedScopes(form.get('scope'), federation.scopes, deps.catalog);
    const aud = requestedAudience(form, deps.config);
    refuseIfThrottled(deps, throttleKey, now);
    if (!(await consumeSubjectToken(deps.db, federation.issuer, verified.jti, verified.usableUntil, now))) {
      deps.usage.record(federation.id, federation.orgId, now, 'refused');
      throw new OAuthError(
        g.refusal,
        `${g.label} refused: it was already exchanged (jti "${shownValue(verified.jti)}"); ` +
          `an ID token is single-use, request a new one (${verified.seen})`,
      );
    }
    const issued = await issueAccessToken(deps, {
      clientId: federation.clientId,
      orgId: federation.orgId,
      scopes,
      aud,
      now,
      ttl: federation.tokenTtlSeconds ?? deps.config.tokenTtlSeconds,
    });
    deps.usage.record(federation.id, federation.orgId, now, 'issued', ip);
    try {
      await markFederationUsed(deps.db, federation.id, now, federation.lastUsedAt);
    } catch (error) {
      // The token is issued and its jti spent; a missed last-used time must not take it back.
      deps.log.warn('could not record a federation as used', { federation: federation.id, error });
    }
    return {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.ttl,
      scope: issued.scope,
      issued_token_type: ACCESS_TOKEN_TYPE,
    };
  });
}
