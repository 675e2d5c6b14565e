import { createRoute } from '@hono/zod-openapi';
import { toFederationView } from '../../federation/federation-view';
import { findFederation } from '../../federation/find-federation';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, Federation, FederationParam, json } from '../schemas';

const route = createRoute({
  method: 'get',
  path: '/orgs/{org}/federations/{id}',
  summary: 'One federation',
  tags: ['federations'],
  request: { params: FederationParam },
  responses: { 200: json(Federation, 'the federation'), ...errorResponses },
});

export const mountGetFederation = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'read:keys');
    return c.json(toFederationView(await findFederation(ctx.db, org.id, id)), 200);
  });
