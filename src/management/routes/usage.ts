import { createRoute } from '@hono/zod-openapi';
import { findKey } from '../../api-keys/find-key';
import { queryUsage } from '../../usage/query-usage';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, json, KeyParam, OrgParam, Usage, UsageQuery } from '../schemas';

const orgRoute = createRoute({
  method: 'get',
  path: '/orgs/{org}/usage',
  summary: 'Tokens issued and refused across the organisation, per hour (last 24 h) or day (last 30 days)',
  tags: ['usage'],
  request: { params: OrgParam, query: UsageQuery },
  responses: { 200: json(Usage, 'usage buckets and totals'), ...errorResponses },
});

const keyRoute = createRoute({
  method: 'get',
  path: '/orgs/{org}/keys/{id}/usage',
  summary: 'Tokens issued and refused for one key',
  tags: ['usage'],
  request: { params: KeyParam, query: UsageQuery },
  responses: { 200: json(Usage, 'usage buckets and totals'), ...errorResponses },
});

export const mountUsage = (app: ApiApp) =>
  app
    .openapi(orgRoute, async (c) => {
      const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'read:usage');
      await c.var.deps.usage.flush(ctx.db);
      return c.json(await queryUsage(ctx.db, ctx.now, { orgId: org.id, ...c.req.valid('query') }), 200);
    })
    .openapi(keyRoute, async (c) => {
      const { org: orgRef, id } = c.req.valid('param');
      const { org, ctx } = await orgAccess(c, orgRef, 'read:usage');
      const key = await findKey(ctx.db, org.id, id);
      await c.var.deps.usage.flush(ctx.db);
      return c.json(
        await queryUsage(ctx.db, ctx.now, { orgId: org.id, keyId: key.id, ...c.req.valid('query') }),
        200,
      );
    });
