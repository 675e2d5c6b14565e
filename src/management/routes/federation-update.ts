import { createRoute } from '@hono/zod-openapi';
import { federationContext } from '../../federation/federation-service-context';
import { toFederationView } from '../../federation/federation-view';
import { updateFederation } from '../../federation/update-federation';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import {
  conflictResponse,
  errorResponses,
  Federation,
  FederationParam,
  json,
  jsonBody,
  UpdateFederationBody,
} from '../schemas';

const route = createRoute({
  method: 'patch',
  path: '/orgs/{org}/federations/{id}',
  summary:
    'Change a federation’s name, audience, subject pattern, pinned claims, scopes or token lifetime; disable or enable it',
  tags: ['federations'],
  request: { params: FederationParam, ...jsonBody(UpdateFederationBody) },
  responses: { 200: json(Federation, 'the changed federation'), ...errorResponses, ...conflictResponse },
});

export const mountUpdateFederation = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org: orgRef, id } = c.req.valid('param');
    const { org, ctx } = await orgAccess(c, orgRef, 'write:keys');
    const row = await updateFederation(
      federationContext(ctx, c.var.deps.config),
      org.id,
      id,
      c.req.valid('json'),
    );
    return c.json(toFederationView(row), 200);
  });
