import { answerWithin } from '../lib/answer-within';
import { limitBody } from '../lib/body-limit';
import { type ApiApp, createApiApp } from './api-app';
import { authenticateCaller } from './caller';
import { apiErrorResponse } from './error-mapping';
import { renderReference } from './reference-page';
import { mountAuditEvents } from './routes/audit-events';
import { mountCreateKey } from './routes/create-key';
import { mountDeleteKey } from './routes/delete-key';
import { mountCreateFederation } from './routes/federation-create';
import { mountDeleteFederation } from './routes/federation-delete';
import { mountGetFederation } from './routes/federation-get';
import { mountListFederations } from './routes/federation-list';
import { mountRevokeFederation } from './routes/federation-revoke';
import { mountUpdateFederation } from './routes/federation-update';
import { mountGetKey } from './routes/get-key';
import { mountImportKey } from './routes/import-key';
import { mountListKeys } from './routes/list-keys';
import { mountOrg } from './routes/org';
import { mountRevokeKey } from './routes/revoke-key';
import { mountRotateKey } from './routes/rotate-key';
import { mountSessionRoutes } from './routes/session';
import { mountUpdateKey } from './routes/update-key';
import { mountUsage } from './routes/usage';
import { unmatchedRoute } from './unmatched-route';

const DESCRIPTION =
  'Manage an organisation’s API keys, workload identity federations, usage and audit log. Authenticate with a bearer token from /token ' +
  '(scopes read:keys, write:keys, read:usage, read:audit) or a console session (cookie + X-CSRF-Token). ' +
  'Errors are RFC 9457 problem+json; the type URI ends in a stable suffix.';

/** /api/v1: the OpenAPI document and reference are public; everything under /orgs needs a caller. */
export function createManagementApi(): ApiApp {
  const api = createApiApp();
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'keymint_session',
  });
  api.onError((err, c) => apiErrorResponse(err, c));
  api.use('*', limitBody(), answerWithin());
  api.use('/orgs/*', authenticateCaller);
  for (const mount of [
    mountListKeys,
    mountCreateKey,
    mountImportKey,
    mountGetKey,
    mountUpdateKey,
    mountRotateKey,
    mountRevokeKey,
    mountDeleteKey,
    mountListFederations,
    mountCreateFederation,
    mountGetFederation,
    mountUpdateFederation,
    mountRevokeFederation,
    mountDeleteFederation,
    mountUsage,
    mountAuditEvents,
    mountOrg,
    mountSessionRoutes,
  ]) {
    mount(api);
  }
  const config = (issuer: string) => ({
    openapi: '3.1.0',
    info: { title: 'keymint management API', version: '1', description: DESCRIPTION },
    servers: [{ url: `${issuer}/api/v1` }],
    security: [{ bearer: [] as string[] }, { session: [] as string[] }] as Record<string, string[]>[],
  });
  api.doc31('/openapi.json', (c) => config(c.var.deps.config.issuerUrl));
  // A browser gets the readable reference; every other client, JSON like the rest of /api/v1.
  api.get('/', (c) => {
    const issuer = c.var.deps.config.issuerUrl;
    if (!/\btext\/html\b/.test(c.req.header('accept') ?? '')) {
      return c.json({ openapi: `${issuer}/api/v1/openapi.json`, reference: `${issuer}/api/v1` });
    }
    return c.html(renderReference(api.getOpenAPI31Document(config(issuer)) as never));
  });
  // Last: every other path or method is a problem document too.
  api.all('*', unmatchedRoute(api));
  return api;
}
