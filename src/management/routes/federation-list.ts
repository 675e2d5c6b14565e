import { createRoute } from '@hono/zod-openapi';
import { toFederationView } from '../../federation/federation-view';
import { listFederations } from '../../federation/list-federations';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, FederationList, json, ListFederationsQuery, OrgParam } from '../schemas';

const route = createRoute({
  method: 'get',
  path: '/orgs/{org}/federations',
  summary: 'List workload identity federations (default every status; status= narrows)',
  tags: ['federations'],
  request: { params: OrgParam, query: ListFederationsQuery },
  responses: { 200: json(FederationList, 'a page of federations'), ...errorResponses },
});

export const mountListFederations = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'read:keys');
    const page = await listFederations(ctx.db, org.id, c.req.valid('query'));
    return c.json({ items: page.items.map(toFederationView), nextCursor: page.nextCursor }, 200);
  });
