import type { Handler, Hono } from 'hono';
import { DomainError } from '../lib/domain-error';

// biome-ignore lint/suspicious/noExplicitAny: any app's route table will do
type AnyApp = Hono<any, any, any>;

const patternOf = (path: string) =>
  new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\/:[^/]+/g, '/[^/]+')}/?$`);

/**
 * The catch-all of a sub-app: 405 with Allow when the path exists under another
 * method, 404 otherwise, both thrown as domain errors so the sub-app's own error
 * mapping answers them in its format.
 */
export function unmatchedRoute(app: AnyApp): Handler {
  let table: { pattern: RegExp; method: string }[] | undefined;
  return (c) => {
    table ??= app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => ({ pattern: patternOf(r.path), method: r.method }));
    const mount = c.req.routePath.replace(/\/\*$/, '');
    const path = c.req.path.slice(mount.length) || '/';
    const allowed = [...new Set(table.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      throw new DomainError(
        'method-not-allowed',
        `${c.req.method} is not allowed here; use ${allowed.join(', ')}`,
        { allowed },
      );
    }
    throw new DomainError('not-found', `no route for ${c.req.method} ${c.req.path}`);
  };
}
