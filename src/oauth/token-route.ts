import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { authenticateClient } from './authenticate-client';
import { readForm } from './form';
import { clientCredentialsGrant } from './grants/client-credentials';
import { NO_STORE, OAuthError } from './oauth-error';

export const SUPPORTED_GRANTS = ['client_credentials'] as const;

/** POST /token (RFC 6749 §4.4, §5). */
export const tokenRoute = new Hono<AppEnv>().post('/token', async (c) => {
  const deps = c.var.deps;
  const form = await readForm(c);
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
  if (!(SUPPORTED_GRANTS as readonly string[]).includes(grantType)) {
    throw new OAuthError('unsupported_grant_type', `grant_type must be client_credentials`);
  }
  const ip = deps.clientIp(c);
  const key = await authenticateClient(deps, c, form, ip);
  const body = await clientCredentialsGrant(deps, key, form, ip);
  deps.metrics.tokenIssued(grantType);
  return c.json(body, 200, NO_STORE);
});
