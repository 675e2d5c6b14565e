import { createRoute } from '@hono/zod-openapi';
import { createKey } from '../../api-keys/create-key';
import { toKeyView } from '../../api-keys/key-view';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import {
  CreateKeyBody,
  conflictResponse,
  errorResponses,
  json,
  jsonBody,
  KeyWithSecret,
  OrgParam,
} from '../schemas';

const route = createRoute({
  method: 'post',
  path: '/orgs/{org}/keys',
  summary: 'Create a key; the response carries its clientSecret, shown only this once',
  tags: ['keys'],
  request: { params: OrgParam, ...jsonBody(CreateKeyBody) },
  responses: {
    201: json(KeyWithSecret, 'the new key and its secret'),
    ...errorResponses,
    ...conflictResponse,
  },
});

export const mountCreateKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'write:keys');
    const { key, secret } = await createKey(ctx, org.id, c.req.valid('json'));
    return c.json({ ...toKeyView(key, ctx.now), clientSecret: secret }, 201, { 'Cache-Control': 'no-store' });
  });
