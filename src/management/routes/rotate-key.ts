import { createRoute } from '@hono/zod-openapi';
import { toKeyView } from '../../api-keys/key-view';
import { rotateKey } from '../../api-keys/rotate-key';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import {
  conflictResponse,
  errorResponses,
  json,
  jsonBody,
  KeyParam,
  KeyWithSecret,
  RotateKeyBody,
} from '../schemas';

const route = createRoute({
  method: 'post',
  path: '/orgs/{org}/keys/{id}/rotate',
  summary: 'Issue a new secret; the old one stops now, or after gracePeriodSeconds (at most 86400)',
  tags: ['keys'],
  request: { params: KeyParam, ...jsonBody(RotateKeyBody, false) },
  responses: {
    200: json(KeyWithSecret, 'the key and its new secret'),
    ...errorResponses,
    ...conflictResponse,
  },
});

export const mountRotateKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    const { key, secret } = await rotateKey(ctx, org.id, id, c.req.valid('json').gracePeriodSeconds ?? 0);
    return c.json({ ...toKeyView(key, ctx.now), clientSecret: secret }, 200, { 'Cache-Control': 'no-store' });
  });
