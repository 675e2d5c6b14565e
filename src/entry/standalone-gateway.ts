import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createKeyLookup } from '../api-keys/authenticate-key';
import { ChangeWatcher } from '../changes/change-watcher';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { openDatabase } from '../db/open';
import { createBuiltinSchema } from '../gateway/builtin-schema';
import { createGraphqlRoute } from '../gateway/graphql-route';
import { RevocationCache } from '../gateway/revocation-cache';
import { remoteKeyResolver } from '../gateway/token-verifier';
import { systemClock } from '../lib/clock';
import type { Log } from '../lib/log';
import { repeatedFailureLog } from '../lib/repeated-failure-log';
import { createTokenClientLookup } from '../tokens/token-client';

export interface StandaloneGatewayOptions {
  issuer: string;
  audience: string;
  host: string;
  port: number;
  upstream?: string | undefined;
  /** When given, the gateway also refuses revoked keys and tokens, and can serve the built-in schema. */
  databaseUrl?: string | undefined;
  /** How to open it (the CLI's opener; tests hand in their own database). */
  openDatabase?: ((url: string, command: string) => Promise<Database>) | undefined;
}

/** Finds the JWKS through the issuer's RFC 8414 metadata, and checks the issuer names itself. */
async function discoverJwksUri(issuer: string): Promise<string> {
  const res = await fetch(`${issuer}/.well-known/oauth-authorization-server`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${issuer}/.well-known/oauth-authorization-server answered ${res.status}`);
  const meta = (await res.json()) as { issuer?: string; jwks_uri?: string };
  if (meta.issuer !== issuer) throw new Error(`the metadata names issuer ${meta.issuer}, not ${issuer}`);
  if (!meta.jwks_uri) throw new Error('the issuer metadata has no jwks_uri');
  return meta.jwks_uri;
}

/** `keymint gateway`: the gateway alone, beside another service, verifying through the issuer's JWKS. */
export async function startStandaloneGateway(o: StandaloneGatewayOptions, log: Log) {
  const jwksUri = await discoverJwksUri(o.issuer);
  let database: Database | undefined;
  let watcher: ChangeWatcher | undefined;
  let revocations: RevocationCache | undefined;
  if (o.databaseUrl) {
    database = await (o.openDatabase ?? openDatabase)(o.databaseUrl, 'keymint gateway');
    await migrate(database, readMigrations());
    revocations = new RevocationCache(
      database.db,
      createTokenClientLookup(database.db, createKeyLookup(database.db)),
    );
    watcher = new ChangeWatcher(
      database,
      repeatedFailureLog(log, 'change check', () => Date.now()),
    );
    watcher.onChange(() => revocations?.invalidate());
    await watcher.start();
  }
  const target = o.upstream
    ? { upstream: o.upstream }
    : database
      ? { schema: createBuiltinSchema(), db: database.db }
      : undefined;
  if (!target) throw new Error('give --upstream <url>, or DATABASE_URL to serve the built-in schema');
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route(
    '/',
    createGraphqlRoute({
      issuer: o.issuer,
      audience: o.audience,
      clock: systemClock,
      getKey: remoteKeyResolver(jwksUri),
      revocations,
      target,
      log,
    }),
  );
  const server = serve({ fetch: app.fetch, port: o.port, hostname: o.host });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  log.info('keymint gateway listening', {
    url: `http://${o.host}:${o.port}/graphql`,
    issuer: o.issuer,
    upstream: o.upstream ?? null,
    revocationChecks: !!revocations,
  });
  return {
    stop: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await watcher?.stop();
      await database?.close();
    },
  };
}
