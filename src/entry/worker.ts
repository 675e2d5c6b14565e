import type { Context, ExecutionContext } from 'hono';
import { createApp } from '../app';
import { purgeExpiredSessions } from '../auth/sessions';
import { buildDeps } from '../build-deps';
import { type Config, ConfigError, isPostgresUrl, parseConfig } from '../config';
import { openPostgres } from '../db/postgres';
import type { Deps } from '../deps';
import { purgeUsedSubjectTokens } from '../federation/exchange-replay-guard';
import { OidcKeyCache } from '../federation/oidc-key-cache';
import { resolveClientIp } from '../lib/client-ip';
import { systemClock } from '../lib/clock';
import { FailureThrottle } from '../lib/failure-throttle';
import { createLog, type Log } from '../lib/log';
import { importKek, KekError } from '../signing/kek';
import type { KeysetSnapshot } from '../signing/keyset';
import { advanceSigningKeys } from '../signing/lifecycle';
import { signingPolicy } from '../signing/signing-policy';
import { purgeExpiredRevocations } from '../tokens/revoked-tokens';

/** The Worker's bindings: vars and secrets are strings; anything else is ignored. */
export type WorkerEnv = Record<string, unknown>;

/** The part of the runtime's ScheduledController this entry reads. */
export interface CronController {
  readonly cron: string;
  readonly scheduledTime: number;
}

interface WorkerSettings {
  config: Config;
  kek: string;
}

/**
 * Config as on Node, plus what only a Worker needs: a server database and a KEK binding.
 * A Hyperdrive binding named HYPERDRIVE (wrangler.toml), when there is one, is the
 * database: its connection string reaches PostgreSQL through Cloudflare's pool.
 */
function workerSettings(env: WorkerEnv): WorkerSettings {
  const source: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') source[name] = value;
  const hyperdrive = env.HYPERDRIVE as { connectionString?: unknown } | undefined;
  if (typeof hyperdrive?.connectionString === 'string') source.DATABASE_URL = hyperdrive.connectionString;
  const config = parseConfig(source);
  // pglite:// needs a disk and memory:// a long-lived process; a Worker has neither.
  if (!isPostgresUrl(config.databaseUrl)) {
    throw new ConfigError(
      'DATABASE_URL: must be a postgres:// URL on Workers (set it with `wrangler secret put DATABASE_URL`)',
    );
  }
  // On Node the KEK may live in keys/kek; a Worker has no file system to keep it in.
  if (!config.kek) {
    throw new ConfigError('KEYMINT_KEK: required on Workers (set it with `wrangler secret put KEYMINT_KEK`)');
  }
  return { config, kek: config.kek };
}

const json = (status: number, body: Record<string, string>, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
  });

/** The variable at fault goes to the caller; the full line, to the Worker's logs. */
function misconfigured(log: Log, error: ConfigError | KekError): Response {
  log.error('keymint is misconfigured', { problem: error.message });
  const variable = error instanceof KekError ? 'KEYMINT_KEK' : (error.message.split(':')[0] ?? 'environment');
  return json(500, {
    error: 'server_error',
    error_description: `keymint is misconfigured (${variable}); see the Worker's logs`,
  });
}

/** Cloudflare's edge sets CF-Connecting-IP and overwrites any value a client sends. */
const workerClientIp = (c: Context): string | undefined =>
  resolveClientIp(c.req.header('cf-connecting-ip'), undefined, []);

/**
 * Failed-authentication counts per isolate. A Worker keeps nothing across isolates, so
 * this is the one deliberate module-level state: without it every request would start
 * from zero and the §3 throttle could never fire. Isolates are reused for many
 * requests, so it slows a guessing client; for a global limit, put Cloudflare's rate
 * limiting rules in front of /token.
 */
const isolateThrottle = new FailureThrottle();
/** Likewise for refused federated exchanges (60 a minute) and the federation issuers' keys, fetched once per isolate. */
const isolateFederationThrottle = new FailureThrottle(60, 60_000);
const isolateOidcKeys = new OidcKeyCache();

/**
 * Per isolate too, because they hold no connection: parsed settings (per bindings object,
 * which the runtime hands an isolate each time), the imported KEK, and the signing keys,
 * decrypted and imported once. The keys are read from the database again once they are
 * older than SIGNING_KEYS_MAX_AGE_MS, or when a token names a kid they lack (the keyset's
 * own reload), so a rotation or retirement reaches a Worker as it reaches a Node server's
 * change watcher: within a second.
 */
const isolateSettings = new WeakMap<object, WorkerSettings | ConfigError>();
const isolateKeks = new Map<string, Promise<CryptoKey>>();
let isolateKeys: { kek: string; snapshot: KeysetSnapshot; at: number } | undefined;
const SIGNING_KEYS_MAX_AGE_MS = 1000;

/**
 * One app per isolate, its routes compiled once: each request brings its own deps (its
 * own database connection), found by the request object.
 */
const requestDeps = new WeakMap<Request, Deps>();
const isolateApp = createApp((c) => requestDeps.get(c.req.raw) as Deps);

function isolateKek(kek: string): Promise<CryptoKey> {
  let imported = isolateKeks.get(kek);
  if (!imported) {
    imported = importKek(kek);
    imported.catch(() => isolateKeks.delete(kek));
    isolateKeks.set(kek, imported);
  }
  return imported;
}

/** The settings of these bindings, parsed once per isolate (a bad one is refused each time). */
function isolateWorkerSettings(env: WorkerEnv): WorkerSettings {
  let held = isolateSettings.get(env);
  if (!held) {
    try {
      held = workerSettings(env);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      held = e;
    }
    isolateSettings.set(env, held);
  }
  if (held instanceof ConfigError) throw held;
  return held;
}

export default {
  /**
   * Builds everything per request: a Worker's sockets belong to the request that opened
   * them, so no connection (or anything holding one) may outlive it at module scope.
   */
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const log = createLog();
    let settings: WorkerSettings;
    try {
      settings = isolateWorkerSettings(env);
    } catch (e) {
      if (e instanceof ConfigError) return misconfigured(log, e);
      throw e;
    }
    // Never end this client: sql.end() inside workerd leaves "Stream was cancelled"
    // errors behind; the runtime closes the socket with the request.
    const database = openPostgres(settings.config.databaseUrl, { max: 1 });
    let deps: Awaited<ReturnType<typeof buildDeps>>;
    const now = Date.now();
    const held = isolateKeys?.kek === settings.kek ? isolateKeys : undefined;
    const stale = !held || now - held.at >= SIGNING_KEYS_MAX_AGE_MS;
    try {
      deps = await buildDeps({
        kek: await isolateKek(settings.kek),
        ...(held ? { heldKeys: { snapshot: held.snapshot, stale } } : {}),
        database,
        config: settings.config,
        clock: systemClock,
        kekBase64: settings.kek,
        log,
        clientIp: workerClientIp,
        throttle: isolateThrottle,
        federationThrottle: isolateFederationThrottle,
        oidcKeys: isolateOidcKeys,
      });
    } catch (e) {
      if (e instanceof KekError) return misconfigured(log, e);
      log.error('database unavailable', { error: e });
      return json(
        503,
        {
          error: 'temporarily_unavailable',
          error_description: 'the database is not answering; retry shortly',
        },
        { 'Retry-After': '5' },
      );
    }
    const loaded = deps.keyset.snapshot();
    if (stale && loaded) isolateKeys = { kek: settings.kek, snapshot: loaded, at: now };
    requestDeps.set(request, deps);
    const response = await isolateApp.fetch(request, env, ctx);
    // A token that named a kid the held keys lacked made the keyset read them again.
    const after = deps.keyset.snapshot();
    if (after && after.published !== isolateKeys?.snapshot.published)
      isolateKeys = { kek: settings.kek, snapshot: after, at: Date.now() };
    // The token path writes nothing itself; its counters go out after the answer.
    ctx.waitUntil(deps.usage.flush(deps.db).catch((error) => log.error('usage flush failed', { error })));
    return response;
  },

  /** The cron trigger: what the Node server's timers do, minus the usage flush (per request here). */
  async scheduled(controller: CronController, env: WorkerEnv): Promise<void> {
    const log = createLog();
    const { config, kek } = workerSettings(env);
    const database = openPostgres(config.databaseUrl, { max: 1 });
    const now = systemClock.now();
    const result = await advanceSigningKeys(database.db, await importKek(kek), signingPolicy(config), now);
    if (result.rotated) log.info('signing key rotated', result.rotated);
    const purged = await purgeExpiredRevocations(database.db, now);
    const sessionsPurged = await purgeExpiredSessions(database.db, now);
    const subjectTokensPurged = await purgeUsedSubjectTokens(database.db, now);
    log.info('scheduled maintenance done', {
      cron: controller.cron,
      changed: result.changed,
      purged,
      sessionsPurged,
      subjectTokensPurged,
    });
  },
};
