import {
  type Context,
  type ErrorHandler,
  type ExecutionContext,
  Hono,
  type MiddlewareHandler,
  type NotFoundHandler,
} from 'hono';
import type { AppEnv, Deps } from './deps';
import { healthRoutes } from './health/health-routes';
import { isComplete } from './lib/complete-response';
import { internalErrorMessage, reportUnexpected } from './lib/unexpected-failure';
import { protectedResourceRoute } from './mcp/protected-resource-route';
import { type MetricsGatherer, mountMetrics } from './metrics/metrics-route';
import { reportRoute } from './metrics/request-timing';
import { metadataRoute } from './oauth/metadata-route';
import { createOAuthRouter } from './oauth/oauth-router';
import { jwksRoute } from './signing/jwks-route';

export interface AppOptions {
  /** Several worker processes (WORKER_PROCESSES): /metrics answers for all of them. */
  gatherMetrics?: MetricsGatherer;
}

/**
 * Where a request's deps come from: one set for the app's life (Node, tests), or each
 * request's own (a Worker: its database connection belongs to the request), so one app
 * can serve every request of an isolate.
 */
export type DepsSource = Deps | ((c: Context) => Deps);

/** Adds a surface's routes to the (inner) app it is given, once its modules are loaded. */
type Surface = (app: Hono<AppEnv>) => Promise<void>;

/**
 * The surfaces a token request never needs, each with its heavy modules (the management
 * API's OpenAPI schemas, the GraphQL engine, the MCP SDK, the console's pages) loaded
 * on its first request instead of at start-up: start-up is faster and an instance that
 * only issues tokens holds less memory.
 */
const LAZY_SURFACES: { paths: string[]; load: Surface }[] = [
  {
    paths: ['/api/v1', '/api/v1/*'],
    load: async (app) => {
      app.route('/api/v1', (await import('./management/router')).createManagementApi());
    },
  },
  {
    paths: ['/graphql'],
    load: async (app) => {
      const [{ createGraphqlRoute }, { gatewayForDeps }] = await Promise.all([
        import('./gateway/graphql-route'),
        import('./gateway/gateway-for-deps'),
      ]);
      // The gateway holds its deps' database and caches: one per set of deps.
      const gateways = new WeakMap<Deps, Hono>();
      app.post('/graphql', (c) => {
        const deps = c.get('deps');
        let gateway = gateways.get(deps);
        if (!gateway) {
          gateway = createGraphqlRoute(gatewayForDeps(deps));
          gateways.set(deps, gateway);
        }
        return gateway.fetch(c.req.raw, c.env, executionContext(c));
      });
    },
  },
  {
    paths: ['/mcp'],
    load: async (app) => {
      app.route('/', (await import('./mcp/mcp-route')).createMcpRoute());
    },
  },
  {
    paths: ['/console', '/console/*'],
    load: async (app) => {
      app.route('/', (await import('./console/console-routes')).createConsole());
    },
  },
];

/** Whether the runtime hands requests an ExecutionContext: Workers do, Node never does. */
let hasExecutionContext: boolean | undefined;

/**
 * The request's ExecutionContext on Workers; Node has none. hono's getter throws when
 * there is none, and an Error per request is costly: asked once, remembered.
 */
function executionContext(c: Context): ExecutionContext | undefined {
  if (hasExecutionContext === false) return undefined;
  try {
    const ctx = c.executionCtx;
    hasExecutionContext = true;
    return ctx;
  } catch {
    hasExecutionContext ??= false;
    return undefined;
  }
}

/**
 * A handler that answers through `surface`, built into an app of its own on first use.
 * That app sets the same deps and has the same last-resort handlers as the outer one,
 * and tells the outer request timing which of its routes answered.
 */
function lazily(
  depsOf: (c: Context) => Deps,
  surface: Surface,
  notFound: NotFoundHandler<AppEnv>,
  onError: ErrorHandler<AppEnv>,
): MiddlewareHandler<AppEnv> {
  let built: Promise<Hono<AppEnv>> | undefined;
  const build = async () => {
    const inner = new Hono<AppEnv>();
    inner.use('*', reportRoute(), (c, next) => {
      c.set('deps', depsOf(c));
      return next();
    });
    await surface(inner);
    inner.notFound(notFound);
    inner.onError(onError);
    return inner;
  };
  return async (c) => {
    built ??= build();
    // A failed import is tried again by the next request.
    const inner = await built.catch((e: unknown) => {
      built = undefined;
      throw e;
    });
    return inner.fetch(c.req.raw, c.env, executionContext(c));
  };
}

/**
 * Builds the whole HTTP app from its dependencies; nothing here reads the environment.
 * Each surface (OAuth, /api/v1, the gateway, the console) maps its own errors in its
 * own router; what reaches this app's onError escaped all of them.
 */
export function createApp(source: DepsSource, options: AppOptions = {}): Hono<AppEnv> {
  const depsOf = typeof source === 'function' ? source : () => source;
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    c.set('deps', depsOf(c));
    await next();
    if (isComplete(c.res)) return; // made with the header already (the hot routes)
    // Set on the response itself, as hono's secureHeaders does: c.header() after the
    // handler rebuilds the response around a stream of its body. A response whose
    // headers are immutable (one passed through from fetch) is still rebuilt.
    try {
      c.res.headers.set('X-Content-Type-Options', 'nosniff');
    } catch {
      c.header('X-Content-Type-Options', 'nosniff');
    }
  });
  mountMetrics(app, options.gatherMetrics);

  // This instance's own revocations, disables and re-scopes reach its gateway at once;
  // other instances' arrive through the change watcher. Only the routes that can
  // change a key or revoke a token drop the cache (and only they pay for the check).
  const dropRevocationsAfterChange: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.res.status < 400)
      c.get('deps').revocations.invalidate();
  };
  for (const path of ['/revoke', '/api/*', '/console/*']) app.use(path, dropRevocationsAfterChange);

  const notFound: NotFoundHandler<AppEnv> = (c) =>
    c.json({ error: 'not_found', error_description: `no route for ${c.req.method} ${c.req.path}` }, 404);
  const onError: ErrorHandler<AppEnv> = (err, c) => {
    const id = reportUnexpected(c.get('deps').log, err, { method: c.req.method, path: c.req.path });
    return c.json({ error: 'server_error', error_description: internalErrorMessage(id) }, 500, {
      'Cache-Control': 'no-store',
    });
  };

  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.route('/', healthRoutes);
  app.route('/', metadataRoute);
  app.route('/', jwksRoute);
  app.route('/', createOAuthRouter());
  app.route('/', protectedResourceRoute);
  // In the order they were mounted before they were loaded lazily (none overlaps another).
  for (const { paths, load } of LAZY_SURFACES) {
    const handler = lazily(depsOf, load, notFound, onError);
    for (const path of paths) app.all(path, handler);
  }

  app.notFound(notFound);
  app.onError(onError);
  return app;
}
