import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../deps';

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    try {
      await c.var.deps.db.execute(sql`SELECT 1`);
      return c.json({ status: 'ok' });
    } catch {
      return c.json({ status: 'unavailable', reason: 'database not answering' }, 503);
    }
  });
