import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { type HttpBindings, serve } from '@hono/node-server';
import type { Context } from 'hono';
import { createApp } from '../app';
import { threadPoolHasher } from '../auth/bcrypt-thread-pool';
import { hasUsers } from '../auth/has-users';
import { startBackground } from '../background';
import { buildDeps } from '../build-deps';
import type { Config, Settings } from '../config';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { openDatabase } from '../db/open';
import { resolveClientIp } from '../lib/client-ip';
import { systemClock } from '../lib/clock';
import type { Log } from '../lib/log';
import { requestHeader } from '../lib/request-header';
import { type MetricsGatherer, renderMetrics } from '../metrics/metrics-route';
import { useJwsSigning } from '../signing/access-token';
import { importKek } from '../signing/kek';
import { loadOrCreateKek } from '../signing/kek-file';
import { advanceSigningKeys } from '../signing/lifecycle';
import { nodeJwsSigning } from '../signing/node-signing';
import { signingPolicy } from '../signing/signing-policy';
import { drainable } from './drain';
import { httpServerOptions } from './http-timeouts';
import { databaseFailure, listenFailure } from './startup-failure';

const DRAIN_MS = 5000;

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** This process's /metrics exposition (for a cluster primary gathering its workers'). */
  renderMetrics?: () => string;
}

/**
 * The socket's address, or the forwarded client behind a TRUST_PROXY proxy. Without
 * trusted proxies the answer is the socket's alone, worked out once per connection.
 */
export const nodeClientIp = (config: Config) => {
  const bySocket = new WeakMap<object, string | undefined>();
  return (c: Context): string | undefined => {
    const socket = (c.env as HttpBindings | undefined)?.incoming?.socket;
    if (config.trustProxy.length > 0 || !socket)
      return resolveClientIp(socket?.remoteAddress, requestHeader(c, 'x-forwarded-for'), config.trustProxy);
    if (bySocket.has(socket)) return bySocket.get(socket);
    const ip = resolveClientIp(socket.remoteAddress, undefined, config.trustProxy);
    bySocket.set(socket, ip);
    return ip;
  };
};

/** digestSecret's `sha256:<hex>`, on the calling thread (~2 µs instead of a thread-pool trip). */
export const nodeSecretDigester = async (secret: string): Promise<string> =>
  `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;

/** What the caller of `keymint serve` may hand in instead of the process's own. */
export interface NodeServerHost {
  openDatabase?: (url: string, command: string) => Promise<Database>;
  /** Where the first-run setup link goes (standard output). */
  print?: (text: string) => void;
  /** The embedded set-up's generated KEK (keys/kek under the working directory). */
  kekPath?: string;
  /** What readSettings found: logged once, misspelt variables as warnings. */
  settings?: Pick<Settings, 'warnings' | 'effective'>;
  /** false in all but one of several worker processes (WORKER_PROCESSES): the set-up link is issued once. */
  announceSetup?: boolean;
  /** A worker process's way to the other workers' metrics (WORKER_PROCESSES). */
  gatherMetrics?: MetricsGatherer;
  /** The size of Node's thread pool, where signatures are made (see thread-pool-size.ts), for the log. */
  threadPool?: number;
}

/** What readSettings found, logged by whichever process reports them (the only one, or a primary). */
export function logSettings(log: Log, settings: NodeServerHost['settings']): void {
  if (!settings) return;
  for (const w of settings.warnings)
    log.warn(w.message, { variable: w.variable, suggestion: w.suggestion ?? null });
  log.info('settings', { settings: settings.effective });
}

/** `keymint serve`: opens and migrates the database, then serves until stopped. */
export async function startNodeServer(
  config: Config,
  log: Log,
  host: NodeServerHost = {},
): Promise<RunningServer> {
  logSettings(log, host.settings);
  const database = await (host.openDatabase ?? openDatabase)(config.databaseUrl, 'keymint serve');
  // What started before a failure is stopped again, so a refused start leaves nothing running.
  const started: (() => Promise<void>)[] = [];
  try {
    // postgres.js connects on the first query: a missing or unreachable database shows here.
    const applied = await migrate(database, readMigrations()).catch((e: unknown) => {
      throw databaseFailure(e, config.databaseUrl) ?? e;
    });
    if (applied.length > 0) log.info('migrations applied', { applied });
    const { kek, created } = loadOrCreateKek(config.kek, host.kekPath);
    if (created) log.info('generated a key-encryption key in keys/kek (mode 0600); back it up');
    // Bring the signing-key schedule up to date before serving (creates keys on a new database).
    await advanceSigningKeys(database.db, await importKek(kek), signingPolicy(config), systemClock.now());
    useJwsSigning(nodeJwsSigning);
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
    started.push(async () => {
      await deps.passwordHasher.close?.();
    });
    const stopBackground = await startBackground(deps);
    started.push(stopBackground);
    const newcomer = !(await hasUsers(database.db));
    const app = createApp(deps, host.gatherMetrics ? { gatherMetrics: host.gatherMetrics } : {});
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve(
        { fetch: app.fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions },
        () => resolve(s),
      );
      s.once('error', (e) => reject(listenFailure(e, config.host, config.port) ?? e));
    });
    const draining = drainable(server as Server);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    log.info('keymint listening', {
      url: `http://${config.host}:${port}`,
      issuer: config.issuerUrl,
      threadPool: host.threadPool ?? null,
    });
    if (newcomer && host.announceSetup !== false) {
      // A newcomer on the embedded database reaches the console without stopping the server.
      const setupUrl = `${config.issuerUrl}/console/setup/${await deps.setupLink.issue(systemClock.now())}`;
      (host.print ?? ((text) => process.stdout.write(text)))(
        `\n  No user yet. Create the first admin and organisation (link valid for an hour, once):\n  ${setupUrl}\n\n`,
      );
    }
    let stopping: Promise<void> | undefined;
    return {
      url: `http://${config.host}:${port}`,
      port,
      renderMetrics: () => renderMetrics(deps),
      stop: () => {
        stopping ??= (async () => {
          // SIGTERM must be done in 10 s: requests in flight get 5, the usage flush 3, closing the database 1.
          await draining.drain(DRAIN_MS);
          await stopBackground();
          await deps.passwordHasher.close?.();
          await database.close();
        })();
        return stopping;
      },
    };
  } catch (e) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    await database.close().catch(() => {});
    throw e;
  }
}
