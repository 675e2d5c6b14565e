import { createRoute } from '@hono/zod-openapi';
import { toKeyView } from '../../api-keys/key-view';
import { updateKey } from '../../api-keys/update-key';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { conflictResponse, errorResponses, json, jsonBody, Key, KeyParam, UpdateKeyBody } from '../schemas';

const route = createRoute({
  method: 'patch',
  path: '/orgs/{org}/keys/{id}',
  summary: 'Rename, re-scope, change allowed IP ranges or token lifetime, disable or enable',
  tags: ['keys'],
  request: { params: KeyParam, ...jsonBody(UpdateKeyBody) },
  responses: { 200: json(Key, 'the changed key'), ...errorResponses, ...conflictResponse },
});

export const mountUpdateKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    return c.json(toKeyView(await updateKey(ctx, org.id, id, c.req.valid('json')), ctx.now), 200);
  });
