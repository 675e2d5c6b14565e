import { createRoute } from '@hono/zod-openapi';
import { federationContext } from '../../federation/federation-service-context';
import { toFederationView } from '../../federation/federation-view';
import { revokeFederation } from '../../federation/revoke-federation';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, Federation, FederationParam, json } from '../schemas';

const route = createRoute({
  method: 'post',
  path: '/orgs/{org}/federations/{id}/revoke',
  summary: 'Revoke a federation, at once and for good',
  tags: ['federations'],
  request: { params: FederationParam },
  responses: { 200: json(Federation, 'the revoked federation'), ...errorResponses },
});

export const mountRevokeFederation = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    const row = await revokeFederation(federationContext(ctx, c.var.deps.config), org.id, id);
    return c.json(toFederationView(row), 200);
  });
