import { Hono } from 'hono';
import { recordAudit } from '../audit/record-audit';
import type { AppEnv } from '../deps';
import { revokeJti } from '../tokens/revoked-tokens';
import { TokenRejected, verifyAccessToken } from '../tokens/verify-access-token';
import { authenticateClient } from './authenticate-client';
import { readForm, requiredParameter } from './form';
import { NO_STORE } from './oauth-error';

/**
 * POST /revoke (RFC 7009). Answers 200 for tokens that are invalid, expired or of
 * another organisation too (§2.2), so the endpoint reveals nothing about them.
 */
export const revokeRoute = new Hono<AppEnv>().post('/revoke', async (c) => {
  const deps = c.get('deps');
  const form = await readForm(c);
  const caller = await authenticateClient(deps, c, form);
  const token = requiredParameter(form, 'token');
  const now = deps.clock.now();
  const claims =
    token.length > 16_384
      ? null
      : await verifyAccessToken(token, deps.accessTokenKeys, {
          issuer: deps.config.issuerUrl,
          now,
          leewaySeconds: 0,
        }).catch((e) => {
          if (e instanceof TokenRejected) return null;
          throw e;
        });
  if (claims && claims.org_id === caller.orgId) {
    await revokeJti(deps.db, claims.jti, claims.org_id, new Date(claims.exp * 1000));
    await recordAudit(deps.db, now, {
      orgId: caller.orgId,
      action: 'token.revoked',
      actor: { type: 'key', id: caller.clientId, label: caller.clientId },
      target: { type: 'token', id: claims.jti },
      meta: { ip: deps.clientIp(c), userAgent: c.req.header('user-agent') },
      details: { clientId: claims.client_id },
    });
  }
  return c.body(null, 200, NO_STORE);
});
