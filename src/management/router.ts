import { mountSessionRoutes } from '../auth/session-routes';
import { type ApiApp, createApiApp } from './api-app';
import { authenticateCaller } from './caller';
import { renderReference } from './reference-page';
import { mountAuditEvents } from './routes/audit-events';
import { mountCreateKey } from './routes/create-key';
import { mountDeleteKey } from './routes/delete-key';
import { mountGetKey } from './routes/get-key';
import { mountListKeys } from './routes/list-keys';
import { mountOrg } from './routes/org';
import { mountRevokeKey } from './routes/revoke-key';
import { mountRotateKey } from './routes/rotate-key';
import { mountUpdateKey } from './routes/update-key';
import { mountUsage } from './routes/usage';

const DESCRIPTION =
  'Manage an organisation’s API keys, usage and audit log. Authenticate with a bearer token from /token ' +
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
  api.use('/orgs/*', authenticateCaller);
  for (const mount of [
    mountListKeys,
    mountCreateKey,
    mountGetKey,
    mountUpdateKey,
    mountRotateKey,
    mountRevokeKey,
    mountDeleteKey,
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
  api.get('/', (c) => {
    const doc = api.getOpenAPI31Document(config(c.var.deps.config.issuerUrl));
    return c.html(renderReference(doc as never));
  });
  return api;
}
