import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv, Deps } from './deps';
import { healthRoutes } from './health/health-routes';
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
    c.set('requestId', crypto.randomUUID());
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
  });

  for (const path of OAUTH_PATHS) {
    app.use(
      path,
      bodyLimit({
        maxSize: MAX_FORM_BYTES,
        onError: () =>
          oauthErrorResponse(
            new OAuthError('invalid_request', 'request body exceeds 64 KiB', {}, 413),
            realm,
          ),
      }),
    );
  }

  app.route('/', healthRoutes);
  app.route('/', metadataRoute);
  app.route('/', jwksRoute);
  app.route('/', tokenRoute);
  app.route('/', introspectRoute);
  app.route('/', revokeRoute);

  app.notFound((c) =>
    c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404),
  );

  app.onError((err, c) => {
    if (err instanceof OAuthError) return oauthErrorResponse(err, realm);
    if (err instanceof HTTPException) return err.getResponse();
    deps.log.error('unhandled error', { requestId: c.var.requestId, path: c.req.path, error: err });
    if (OAUTH_PATHS.has(c.req.path)) {
      return oauthErrorResponse(
        new OAuthError('server_error', `internal error (request ${c.var.requestId})`),
        realm,
      );
    }
    return c.json({ error: 'server_error', requestId: c.var.requestId }, 500);
  });

  return app;
}
