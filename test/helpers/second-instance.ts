import type { Hono } from 'hono';
import { createApp } from '../../src/app';
import { type BackgroundOptions, startBackground } from '../../src/background';
import { buildDeps } from '../../src/build-deps';
import { openPostgres } from '../../src/db/postgres';
import type { AppEnv, Deps } from '../../src/deps';
import { nodeClientIp } from '../../src/entry/node';
import { silentLog } from '../../src/lib/log';
import type { TestApp } from './test-app';

export interface SecondInstance {
  deps: Deps;
  app: Hono<AppEnv>;
  stop(): Promise<void>;
}

/**
 * Another keymint on the test app's database, as a second server would be: its own
 * connection pool on PostgreSQL (the same in-process database on PGlite), its own
 * keyset, caches and change watcher — polling fast, so tests wait little.
 */
export async function startSecondInstance(a: TestApp, o: BackgroundOptions = {}): Promise<SecondInstance> {
  const database = a.testDb.url ? openPostgres(a.testDb.url) : a.testDb.database;
  const deps = await buildDeps({
    database,
    config: a.config,
    clock: a.clock,
    kekBase64: a.kek,
    log: silentLog,
    clientIp: nodeClientIp(a.config),
  });
  const stopBackground = await startBackground(deps, { changePollMs: 200, rotationCheckMs: 3_600_000, ...o });
  return {
    deps,
    app: createApp(deps),
    stop: async () => {
      await stopBackground();
      if (a.testDb.url) await database.close();
    },
  };
}
