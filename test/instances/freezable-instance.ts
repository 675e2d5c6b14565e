import type { Hono } from 'hono';
import { createApp } from '../../src/app';
import { dropCachesOnChange } from '../../src/background';
import { buildDeps } from '../../src/build-deps';
import { ChangeWatcher } from '../../src/changes/change-watcher';
import { openPostgres } from '../../src/db/postgres';
import type { AppEnv, Deps } from '../../src/deps';
import { nodeClientIp, nodeSecretDigester } from '../../src/entry/node';
import { silentLog } from '../../src/lib/log';
import type { TestApp } from '../helpers/test-app';

/** A change watcher that can hang, as one whose database connection stops answering would. */
class FreezableWatcher extends ChangeWatcher {
  frozen = false;
  override check(): Promise<void> {
    return this.frozen ? Promise.resolve() : super.check();
  }
}

export interface FreezableInstance {
  deps: Deps;
  app: Hono<AppEnv>;
  /** From now on the watcher neither hears of changes nor renews the lease. */
  freeze(): void;
  stop(): Promise<void>;
}

/**
 * Another keymint on the test app's database, wired as startBackground wires a Node
 * instance's change watcher (lease, drops before the acknowledgement), with a watcher
 * the test can freeze. Its own connection pool on PostgreSQL.
 */
export async function startFreezableInstance(a: TestApp): Promise<FreezableInstance> {
  const database = a.testDb.url ? openPostgres(a.testDb.url) : a.testDb.database;
  const deps = await buildDeps({
    database,
    config: a.config,
    clock: a.clock,
    kekBase64: a.kek,
    log: silentLog,
    clientIp: nodeClientIp(a.config),
    secretDigester: nodeSecretDigester,
  });
  const watcher = new FreezableWatcher(
    database,
    { failed: () => {}, succeeded: () => {} },
    200,
    deps.instance,
  );
  dropCachesOnChange(watcher, deps);
  await watcher.start();
  return {
    deps,
    app: createApp(deps),
    freeze: () => {
      watcher.frozen = true;
    },
    stop: async () => {
      await watcher.stop();
      if (a.testDb.url) await database.close();
    },
  };
}
