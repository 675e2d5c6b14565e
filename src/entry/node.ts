import { createHash } from 'node:crypto';
import { type HttpBindings, serve } from '@hono/node-server';
import { count } from 'drizzle-orm';
import type { Context } from 'hono';
import { createApp } from '../app';
import { threadPoolHasher } from '../auth/bcrypt-thread-pool';
import { startBackground } from '../background';
import { buildDeps } from '../build-deps';
import type { Config } from '../config';
import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { openDatabase } from '../db/open';
import { users } from '../db/schema/index';
import { resolveClientIp } from '../lib/client-ip';
import { systemClock } from '../lib/clock';
import type { Log } from '../lib/log';
import { importKek } from '../signing/kek';
import { loadOrCreateKek } from '../signing/kek-file';
import { advanceSigningKeys } from '../signing/lifecycle';
import { signingPolicy } from '../signing/signing-policy';

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** The socket's address, or the forwarded client behind a TRUST_PROXY proxy. */
export const nodeClientIp =
  (config: Config) =>
  (c: Context): string | undefined =>
    resolveClientIp(
      (c.env as HttpBindings | undefined)?.incoming?.socket?.remoteAddress,
      c.req.header('x-forwarded-for'),
      config.trustProxy,
    );

/** digestSecret's `sha256:<hex>`, on the calling thread (~2 µs instead of a thread-pool trip). */
export const nodeSecretDigester = async (secret: string): Promise<string> =>
  `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;

/** `keymint serve`: opens and migrates the database, then serves until stopped. */
export async function startNodeServer(config: Config, log: Log): Promise<RunningServer> {
  const database = await openDatabase(config.databaseUrl, 'keymint serve');
  try {
    const applied = await migrate(database, readMigrations());
    if (applied.length > 0) log.info('migrations applied', { applied });
    const { kek, created } = loadOrCreateKek(config.kek);
    if (created) log.info('generated a key-encryption key in keys/kek (mode 0600); back it up');
    // Bring the signing-key schedule up to date before serving (creates keys on a new database).
    await advanceSigningKeys(database.db, await importKek(kek), signingPolicy(config), systemClock.now());
    const deps = await buildDeps({
      database,
      config,
      clock: systemClock,
      kekBase64: kek,
      log,
      clientIp: nodeClientIp(config),
      passwordHasher: threadPoolHasher(config.bcryptCost),
      secretDigester: nodeSecretDigester,
    });
    const stopBackground = await startBackground(deps);
    const [{ n: userCount }] = (await database.db.select({ n: count() }).from(users)) as [{ n: number }];
    const app = createApp(deps);
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info('keymint listening', { url: `http://${config.host}:${port}`, issuer: config.issuerUrl });
    if (Number(userCount) === 0) {
      // A newcomer on the embedded database reaches the console without stopping the server.
      const setupUrl = `${config.issuerUrl}/console/setup/${await deps.setupLink.issue(systemClock.now())}`;
      process.stdout.write(
        `\n  No user yet. Create the first admin and organisation (link valid for an hour, once):\n  ${setupUrl}\n\n`,
      );
    }
    let stopping: Promise<void> | undefined;
    return {
      url: `http://${config.host}:${port}`,
      port,
      stop: () => {
        stopping ??= (async () => {
          await new Promise<void>((r) => server.close(() => r()));
          await stopBackground();
          await deps.passwordHasher.close?.();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await database.close().catch(() => {});
    throw e;
  }
}
