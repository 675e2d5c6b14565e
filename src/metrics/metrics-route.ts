import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../deps';
import { requestTiming } from './request-timing';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * GET /metrics (Prometheus text format) and the request timing behind it, mounted
 * together: the timing goes in front of every route registered after this call.
 */
export function mountMetrics(app: Hono<AppEnv>, deps: Deps): void {
  app.use('*', requestTiming(deps.metrics));
  app.get('/metrics', (c) => {
    const body = deps.metrics.render({
      usage: deps.usage,
      signingKeys: deps.keyset.signingKeyDates(),
      now: deps.clock.now(),
    });
    return c.body(body, 200, { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' });
  });
}
