import { createRoute } from '@hono/zod-openapi';
import { deleteKey } from '../../api-keys/delete-key';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { conflictResponse, errorResponses, KeyParam } from '../schemas';

const route = createRoute({
  method: 'delete',
  path: '/orgs/{org}/keys/{id}',
  summary: 'Remove a revoked or expired key from listings (the audit log keeps it)',
  tags: ['keys'],
  request: { params: KeyParam },
  responses: { 204: { description: 'deleted' }, ...errorResponses, ...conflictResponse },
});

export const mountDeleteKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    await deleteKey(ctx, org.id, id);
    return c.body(null, 204);
  });
