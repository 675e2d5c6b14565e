import { createRoute } from '@hono/zod-openapi';
import { listAuditEvents } from '../../audit/list-audit';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { AuditList, AuditQuery, errorResponses, json, OrgParam } from '../schemas';

const route = createRoute({
  method: 'get',
  path: '/orgs/{org}/audit-events',
  summary: 'Who did what, when and from where; newest first',
  tags: ['audit'],
  request: { params: OrgParam, query: AuditQuery },
  responses: { 200: json(AuditList, 'a page of events'), ...errorResponses },
});

export const mountAuditEvents = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'read:audit');
    return c.json(await listAuditEvents(ctx.db, org.id, c.req.valid('query')), 200);
  });
