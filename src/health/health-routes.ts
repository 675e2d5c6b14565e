import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../deps';

/** /readyz gives up on a database that does not answer within this. */
const READY_WITHIN_MS = 2000;

export const healthRoutes = new Hono<AppEnv>()
  // From memory: the process serves requests, whatever the database does.
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), READY_WITHIN_MS);
    });
    const answered = c.var.deps.db.execute(sql`SELECT 1`).then(
      () => true,
      () => false,
    );
    const ready = await Promise.race([answered, late]);
    clearTimeout(timer);
    if (ready) return c.json({ status: 'ok' }, 200, { 'Cache-Control': 'no-store' });
    return c.json({ status: 'unavailable', reason: 'database not answering' }, 503, {
      'Cache-Control': 'no-store',
      'Retry-After': '5',
    });
  });
