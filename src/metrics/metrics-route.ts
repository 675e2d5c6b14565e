import type { Hono } from 'hono';
import type { AppEnv, Deps } from '../deps';
import { requestTiming } from './request-timing';

const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** This process's exposition, with the scrape-time values read now. */
export function renderMetrics(deps: Deps): string {
  return deps.metrics.render({
    usage: deps.usage,
    signingKeys: deps.keyset.signingKeyDates(),
    now: deps.clock.now(),
  });
}

/** Adds the other worker processes' expositions to this one's (WORKER_PROCESSES). */
export type MetricsGatherer = (local: string) => Promise<string>;

/**
 * GET /metrics (Prometheus text format) and the request timing behind it, mounted
 * together: the timing goes in front of every route registered after this call (behind
 * the middleware that sets the request's deps). With
 * several worker processes, `gather` makes the answer the whole instance's.
 */
export function mountMetrics(app: Hono<AppEnv>, gather?: MetricsGatherer): void {
  app.use(
    '*',
    requestTiming((c) => c.get('deps').metrics),
  );
  app.get('/metrics', async (c) => {
    const local = renderMetrics(c.get('deps'));
    const body = gather ? await gather(local) : local;
    return c.body(body, 200, { 'Content-Type': CONTENT_TYPE, 'Cache-Control': 'no-store' });
  });
}
