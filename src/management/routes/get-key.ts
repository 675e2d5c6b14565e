import { createRoute } from '@hono/zod-openapi';
import { findKey } from '../../api-keys/find-key';
import { toKeyView } from '../../api-keys/key-view';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, json, Key, KeyParam } from '../schemas';

const route = createRoute({
  method: 'get',
  path: '/orgs/{org}/keys/{id}',
  summary: 'One key (never its secret)',
  tags: ['keys'],
  request: { params: KeyParam },
  responses: { 200: json(Key, 'the key'), ...errorResponses },
});

export const mountGetKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'read:keys');
    return c.json(toKeyView(await findKey(ctx.db, org.id, id), ctx.now), 200);
  });
