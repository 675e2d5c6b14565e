import { createRoute } from '@hono/zod-openapi';
import { createFederation } from '../../federation/create-federation';
import { federationContext } from '../../federation/federation-service-context';
import { toFederationView } from '../../federation/federation-view';
import type { ApiApp } from '../api-app';
import { orgAccess } from '../org-access';
import {
  CreateFederationBody,
  conflictResponse,
  errorResponses,
  Federation,
  json,
  jsonBody,
  OrgParam,
} from '../schemas';

const route = createRoute({
  method: 'post',
  path: '/orgs/{org}/federations',
  summary:
    'Create a federation: a trust policy under which a CI job’s OIDC ID token is exchanged at /token, with no secret (at most 20 per organisation)',
  tags: ['federations'],
  request: { params: OrgParam, ...jsonBody(CreateFederationBody) },
  responses: {
    201: json(Federation, 'the new federation'),
    ...errorResponses,
    ...conflictResponse,
  },
});

export const mountCreateFederation = (app: ApiApp) =>
  app.openapi(route, async (c) => {
    const { org, ctx } = await orgAccess(c, c.req.valid('param').org, 'write:keys');
    const row = await createFederation(
      federationContext(ctx, c.var.deps.config),
      org.id,
      c.req.valid('json'),
    );
    return c.json(toFederationView(row), 201);
  });
