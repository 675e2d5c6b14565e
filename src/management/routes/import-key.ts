import { createRoute } from '@hono/zod-openapi';
import { importKey } from '../../api-keys/import-key';
import { toKeyView } from '../../api-keys/key-view';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import { conflictResponse, errorResponses, ImportKeyBody, json, jsonBody, Key, OrgParam } from '../schemas';

const route = createRoute({
  method: 'post',
  path: '/orgs/{org}/keys/import',
  summary:
    'Import a client of another issuer: its client id and secret (or bcrypt hash) keep working; rotate it to a keymint secret once its callers work',
  tags: ['keys'],
  request: { params: OrgParam, ...jsonBody(ImportKeyBody) },
  responses: {
    201: json(Key, 'the imported key (the caller already holds its secret)'),
    ...errorResponses,
    ...conflictResponse,
  },
});

export const mountImportKey = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'write:keys');
    const deps = c.var.deps;
    const key = await importKey(
      ctx,
      { hasher: deps.passwordHasher, cost: deps.config.bcryptCost },
      org.id,
      c.req.valid('json'),
    );
    return c.json(toKeyView(key, ctx.now), 201, { 'Cache-Control': 'no-store' });
  });
