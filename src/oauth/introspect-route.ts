import { Hono } from 'hono';
import type { AppEnv } from '../deps';
import { activeTokenClaims, tokenActivityDeps } from '../tokens/token-activity';
import { authenticateClient } from './authenticate-client';
import { readForm, requiredParameter } from './form';
import { NO_STORE } from './oauth-error';

/**
 * POST /introspect (RFC 7662). A key sees only tokens of its own organisation; any
 * other token, valid or not, is simply `{"active": false}`.
 */
export const introspectRoute = new Hono<AppEnv>().post('/introspect', async (c) => {
  const deps = c.get('deps');
  const form = await readForm(c);
  const caller = await authenticateClient(deps, c, form);
  const token = requiredParameter(form, 'token');
  // The issuer's own clock: no leeway (RFC 7662 active means not yet expired).
  const found =
    token.length > 16_384
      ? null
      : await activeTokenClaims(tokenActivityDeps(deps), token, { now: deps.clock.now(), leewaySeconds: 0 });
  if (!found || !('claims' in found) || found.claims.org_id !== caller.orgId)
    return c.json({ active: false }, 200, NO_STORE);
  return c.json({ active: true, token_type: 'Bearer', ...found.claims }, 200, NO_STORE);
});
