import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { isDatabaseError } from '../db/database-error';
import { type Metrics, UNMATCHED_ROUTE } from './metrics';

/**
 * The registered pattern of the route the request was for (`/api/v1/orgs/:org/keys/:id`),
 * never the path itself: the handler that answered, or, when a middleware answered
 * first (a refused caller), the endpoint it stood in front of. When no endpoint matched
 * and a catch-all answered 404, every such request shares one label.
 */
function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  const answered = routes[c.req.routeIndex];
  if (!answered) return UNMATCHED_ROUTE;
  // app.use registers middleware for every method ('ALL'); endpoints name theirs.
  for (let i = c.req.routeIndex; i < routes.length; i++) {
    const r = routes[i] as (typeof routes)[number];
    if (r.method !== 'ALL') return r.path;
  }
  if (c.res.status === 404 && answered.path.endsWith('*')) return UNMATCHED_ROUTE;
  return answered.path;
}

/**
 * The route of a request answered by an app of its own (a surface app.ts loads on first
 * use), kept on the request itself rather than in a WeakMap: weak entries for
 * short-lived objects add work to every young-generation collection.
 */
const ANSWERED_INSIDE = Symbol('keymint.answeredInside');
type Reported = Request & { [ANSWERED_INSIDE]?: string };

/**
 * In front of such an app: tells the outer timing which of its routes answered, since
 * the outer app only knows the catch-all that handed the request over.
 */
export function reportRoute(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    (c.req.raw as Reported)[ANSWERED_INSIDE] = routeLabel(c);
  };
}

/**
 * Times every request into keymint_http_request_duration_seconds, and counts the server
 * errors the database caused. On the hot path this is two clock reads and a few map
 * lookups: the histogram child of a route, method and status class is made once.
 */
export function requestTiming(metricsOf: (c: Context) => Metrics): MiddlewareHandler {
  return async (c, next) => {
    const metrics = metricsOf(c);
    const start = performance.now();
    await next();
    const status = c.res.status;
    const route = (c.req.raw as Reported)[ANSWERED_INSIDE] ?? routeLabel(c);
    metrics.observeRequest(route, c.req.method, status, (performance.now() - start) / 1000);
    if (status >= 500 && c.error && isDatabaseError(c.error)) metrics.databaseError();
  };
}
