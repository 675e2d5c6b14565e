import { Hono, type MiddlewareHandler } from 'hono';
import { createConsole } from './console/console-routes';
import type { AppEnv, Deps } from './deps';
import { gatewayForDeps } from './gateway/gateway-for-deps';
import { createGraphqlRoute } from './gateway/graphql-route';
import { healthRoutes } from './health/health-routes';
import { internalErrorMessage, reportUnexpected } from './lib/unexpected-failure';
import { createManagementApi } from './management/router';
import { createMcpRoute } from './mcp/mcp-route';
import { protectedResourceRoute } from './mcp/protected-resource-route';
import { mountMetrics } from './metrics/metrics-route';
import { metadataRoute } from './oauth/metadata-route';
import { createOAuthRouter } from './oauth/oauth-router';
import { jwksRoute } from './signing/jwks-route';

/**
 * Builds the whole HTTP app from its dependencies; nothing here reads the environment.
 * Each surface (OAuth, /api/v1, the gateway, the console) maps its own errors in its
 * own router; what reaches this app's onError escaped all of them.
 */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
    // Set on the response itself, as hono's secureHeaders does: c.header() after the
    // handler rebuilds the response around a stream of its body. A response whose
    // headers are immutable (one passed through from fetch) is still rebuilt.
    try {
      c.res.headers.set('X-Content-Type-Options', 'nosniff');
    } catch {
      c.header('X-Content-Type-Options', 'nosniff');
    }
  });
  mountMetrics(app, deps);

  // This instance's own revocations, disables and re-scopes reach its gateway at once;
  // other instances' arrive through the change watcher. Only the routes that can
  // change a key or revoke a token drop the cache (and only they pay for the check).
  const dropRevocationsAfterChange: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.res.status < 400)
      deps.revocations.invalidate();
  };
  for (const path of ['/revoke', '/api/*', '/console/*']) app.use(path, dropRevocationsAfterChange);

  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.route('/', healthRoutes);
  app.route('/', metadataRoute);
  app.route('/', jwksRoute);
  app.route('/', createOAuthRouter());
  app.route('/api/v1', createManagementApi());
  app.route('/', createGraphqlRoute(gatewayForDeps(deps)));
  app.route('/', protectedResourceRoute);
  app.route('/', createMcpRoute());
  app.route('/', createConsole());

  app.notFound((c) =>
    c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );
  app.onError((err, c) => {
    const id = reportUnexpected(deps.log, err, { method: c.req.method, path: c.req.path });
    return c.json({ error: 'server_error', error_description: internalErrorMessage(id) }, 500, {
      'Cache-Control': 'no-store',
    });
  });

  return app;
}
