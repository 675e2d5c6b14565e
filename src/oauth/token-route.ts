import { type Context, Hono } from 'hono';
import type { AppEnv, Deps } from '../deps';
import { completeResponse, NOSNIFF } from '../lib/complete-response';
import { authenticateClient } from './authenticate-client';
import { readForm, requiredParameter } from './form';
import { clientCredentialsGrant, type TokenResponse } from './grants/client-credentials';
import { JWT_BEARER_GRANT, jwtBearerGrant } from './grants/jwt-bearer';
import { TOKEN_EXCHANGE_GRANT, tokenExchangeGrant } from './grants/token-exchange';
import { NO_STORE, OAuthError } from './oauth-error';

type Grant = (
  deps: Deps,
  c: Context,
  form: Map<string, string>,
  ip: string | undefined,
) => Promise<TokenResponse>;

/** Each grant_type this server answers, and its handler (one file each in grants/). */
const GRANTS: Record<string, Grant> = {
  client_credentials: async (deps, c, form, ip) =>
    clientCredentialsGrant(deps, await authenticateClient(deps, c, form, ip), form, ip),
  [TOKEN_EXCHANGE_GRANT]: tokenExchangeGrant,
  [JWT_BEARER_GRANT]: jwtBearerGrant,
};

/** What the metadata advertises as grant_types_supported. */
export const SUPPORTED_GRANTS: readonly string[] = Object.keys(GRANTS);

const TOKEN_HEADERS = { 'Content-Type': 'application/json', ...NO_STORE, ...NOSNIFF };

/** POST /token (RFC 6749 §4.4, §5; RFC 8693; RFC 7523). */
export const tokenRoute = new Hono<AppEnv>().post('/token', async (c) => {
  // c.get, not c.var: c.var builds an object of every variable on each access.
  const deps = c.get('deps');
  const form = await readForm(c);
  const grantType = requiredParameter(form, 'grant_type');
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant) {
    throw new OAuthError(
      'unsupported_grant_type',
      'grant_type must be client_credentials, or token exchange or jwt-bearer with a federation',
    );
  }
  const body = await grant(deps, c, form, deps.clientIp(c));
  deps.metrics.tokenIssued(grantType);
  return completeResponse(JSON.stringify(body), 200, TOKEN_HEADERS);
});
