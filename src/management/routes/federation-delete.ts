import { createRoute } from '@hono/zod-openapi';
import { deleteFederation } from '../../federation/delete-federation';
import { federationContext } from '../../federation/federation-service-context';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { conflictResponse, errorResponses, FederationParam } from '../schemas';

const route = createRoute({
  method: 'delete',
  path: '/orgs/{org}/federations/{id}',
  summary: 'Remove a revoked federation from listings (the audit log keeps it)',
  tags: ['federations'],
  request: { params: FederationParam },
  responses: { 204: { description: 'deleted' }, ...errorResponses, ...conflictResponse },
});

export const mountDeleteFederation = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    await deleteFederation(federationContext(ctx, c.var.deps.config), org.id, id);
    return c.body(null, 204);
  });
