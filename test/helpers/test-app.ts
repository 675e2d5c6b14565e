import type { Hono } from 'hono';
import { type CreateKeyInput, createKey } from '../../src/api-keys/create-key';
import type { KeyServiceContext } from '../../src/api-keys/key-service-context';
import { createApp } from '../../src/app';
import { operatorActor } from '../../src/audit/actor';
import { buildDeps } from '../../src/build-deps';
import { type Config, parseConfig } from '../../src/config';
import type { AppEnv, Deps } from '../../src/deps';
import { nodeClientIp, nodeSecretDigester } from '../../src/entry/node';
import { FixedClock } from '../../src/lib/clock';
import { silentLog } from '../../src/lib/log';
import { createOrg } from '../../src/orgs/create-org';
import { generateKekBase64 } from '../../src/signing/kek';
import { openTestDatabase, type TestDatabase } from './test-db';

export interface TestApp {
  app: Hono<AppEnv>;
  deps: Deps;
  config: Config;
  clock: FixedClock;
  testDb: TestDatabase;
  kek: string;
  /** A service context acting as the operator, at the clock's time. */
  ctx(): KeyServiceContext;
  newOrg(slug?: string, maxActiveKeys?: number): Promise<{ id: string; slug: string }>;
  newKey(
    orgId: string,
    input?: Partial<CreateKeyInput>,
  ): Promise<{ id: string; clientId: string; secret: string }>;
  close(): Promise<void>;
}

/** A real app over a fresh database, with a clock the test moves (starting at real now). */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = parseConfig({ ISSUER_URL: 'http://issuer.test', ...env });
  const testDb = await openTestDatabase();
  const clock = new FixedClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const kek = env.KEYMINT_KEK ?? generateKekBase64();
  const deps = await buildDeps({
    database: testDb.database,
    config,
    clock,
    kekBase64: kek,
    log: silentLog,
    clientIp: nodeClientIp(config),
    secretDigester: nodeSecretDigester,
  });
  const app = createApp(deps);
  const ctx = (): KeyServiceContext => ({
    db: deps.db,
    now: clock.now(),
    catalog: deps.catalog,
    actor: operatorActor(),
  });
  let orgs = 0;
  return {
    app,
    deps,
    config,
    clock,
    testDb,
    kek,
    ctx,
    async newOrg(slug = `org-${++orgs}-${Math.random().toString(36).slice(2, 8)}`, maxActiveKeys) {
      return createOrg(deps.db, clock.now(), operatorActor(), { slug, maxActiveKeys });
    },
    async newKey(orgId, input = {}) {
      const { key, secret } = await createKey(ctx(), orgId, {
        name: 'test key',
        scopes: ['read:*'],
        ...input,
      });
      return { id: key.id, clientId: key.clientId, secret };
    },
    close: () => testDb.drop(),
  };
}
