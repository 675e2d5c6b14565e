import { createRoute } from '@hono/zod-openapi';
import { toKeyView } from '../../api-keys/key-view';
import { revokeKey } from '../../api-keys/revoke-key';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { errorResponses, json, Key, KeyParam } from '../schemas';

const route = createRoute({
  method: 'post',
  path: '/orgs/{org}/keys/{id}/revoke',
  summary: 'Revoke a key, at once and for good',
  tags: ['keys'],
  request: { params: KeyParam },
  responses: { 200: json(Key, 'the revoked key'), ...errorResponses },
});

export const mountRevokeKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    return c.json(toKeyView(await revokeKey(ctx, org.id, id), ctx.now), 200);
  });
