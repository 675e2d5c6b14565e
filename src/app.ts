import { Hono, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createConsole } from './console/console-routes';
import type { AppEnv, Deps } from './deps';
import { GatewayError, gatewayErrorResponse } from './gateway/gateway-error';
import { gatewayForDeps } from './gateway/gateway-for-deps';
import { createGraphqlRoute } from './gateway/graphql-route';
import { healthRoutes } from './health/health-routes';
import { limitBody } from './lib/body-limit';
import { ApiError, problemResponse } from './management/api-error';
import { apiErrorResponse } from './management/error-mapping';
import { createManagementApi } from './management/router';
import { MAX_FORM_BYTES } from './oauth/form';
import { introspectRoute } from './oauth/introspect-route';
import { metadataRoute } from './oauth/metadata-route';
import { OAuthError, oauthErrorResponse } from './oauth/oauth-error';
import { revokeRoute } from './oauth/revoke-route';
import { tokenRoute } from './oauth/token-route';
import { jwksRoute } from './signing/jwks-route';

const OAUTH_PATHS = new Set(['/token', '/introspect', '/revoke']);

/** Builds the whole HTTP app from its dependencies; nothing here reads the environment. */
export function createApp(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const realm = deps.config.issuerUrl;

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

  const tooLarge = () =>
    oauthErrorResponse(new OAuthError('invalid_request', 'request body exceeds 64 KiB', {}, 413), realm);
  for (const path of OAUTH_PATHS) app.use(path, limitBody(MAX_FORM_BYTES, tooLarge));

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
  app.route('/', tokenRoute);
  app.route('/', introspectRoute);
  app.route('/', revokeRoute);
  app.use(
    '/api/*',
    limitBody(MAX_FORM_BYTES, (c) =>
      problemResponse(new ApiError('payload-too-large', 'request body exceeds 64 KiB'), c.req.path),
    ),
  );
  app.route('/api/v1', createManagementApi());
  app.use(
    '/graphql',
    limitBody(MAX_FORM_BYTES, () =>
      gatewayErrorResponse(new GatewayError(413, 'the request body exceeds 64 KiB'), realm),
    ),
  );
  app.route('/', createGraphqlRoute(gatewayForDeps(deps)));
  app.use(
    '/console/*',
    limitBody(MAX_FORM_BYTES, (c) => c.text('request body exceeds 64 KiB', 413)),
  );
  app.route(
    '/',
    createConsole((req) => Promise.resolve(app.fetch(req, undefined))),
  );

  app.notFound((c) =>
    c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );

  app.onError((err, c) => {
    if (err instanceof OAuthError) return oauthErrorResponse(err, realm);
    const api = c.req.path.startsWith('/api/') ? apiErrorResponse(err, c.req.path) : undefined;
    if (api) return api;
    if (err instanceof HTTPException) return err.getResponse();
    // Only failures need an id to match the answer with the log line.
    const requestId = crypto.randomUUID();
    deps.log.error('unhandled error', { requestId, path: c.req.path, error: err });
    if (OAUTH_PATHS.has(c.req.path)) {
      return oauthErrorResponse(
        new OAuthError('server_error', `internal error (request ${requestId})`),
        realm,
      );
    }
    if (c.req.path.startsWith('/api/')) {
      return problemResponse(
        new ApiError('server-error', `internal error (request ${requestId})`),
        c.req.path,
      );
    }
    return c.json({ error: 'server_error', requestId }, 500);
  });

  return app;
}
