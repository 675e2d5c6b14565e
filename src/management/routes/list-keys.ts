import { createRoute } from '@hono/zod-openapi';
import { toKeyView } from '../../api-keys/key-view';
import { listKeys } from '../../api-keys/list-keys';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, json, KeyList, ListKeysQuery, OrgParam } from '../schemas';

const route = createRoute({
  method: 'get',
  path: '/orgs/{org}/keys',
  summary: 'List keys (default status=active; status=all for every status; q searches names)',
  tags: ['keys'],
  request: { params: OrgParam, query: ListKeysQuery },
  responses: { 200: json(KeyList, 'a page of keys'), ...errorResponses },
});

export const mountListKeys = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'read:keys');
    const page = await listKeys(ctx.db, org.id, ctx.now, c.req.valid('query'));
    return c.json({ items: page.items.map((k) => toKeyView(k, ctx.now)), nextCursor: page.nextCursor }, 200);
  });
