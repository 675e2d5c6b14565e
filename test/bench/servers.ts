// The servers under load, as children: keymint (with its org and keys made by the CLI,
// as a user would), the reference issuer and the unauthenticated GraphQL baseline.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type postgres from 'postgres';
import { freePort } from '../helpers/free-port';
import { type BenchDb, createBenchDb } from './bench-db';
import type { Alg } from './bench-options';
import { BENCH_DIR, childEnv, cli, profiled, startChild, waitFor } from './child-processes';
import type { Side } from './side';
import { type BenchKey, tokenSide } from './token-requests';

export async function createKey(env: NodeJS.ProcessEnv, name: string, scopes: string[]): Promise<BenchKey> {
  return JSON.parse(
    await cli(
      ['key', 'create', '--org', 'bench', '--name', name, ...scopes.flatMap((s) => ['--scope', s]), '--json'],
      env,
    ),
  ) as BenchKey;
}

export interface Server {
  base: string;
  pid: number | undefined;
  stop(): Promise<void>;
  tail(): string;
}

/** `keymint serve` on a free port, ready once /healthz answers 200. */
export async function serveKeymint(
  what: string,
  db: BenchDb,
  extra: Record<string, string> = {},
): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = childEnv({ ...db.env, PORT: String(port), ISSUER_URL: base, ...extra });
  const child = startChild(what, profiled(['dist/node/keymint.cjs', 'serve']), env);
  // With several worker processes, ready once the primary says they all listen.
  const workers = Number(extra.WORKER_PROCESSES ?? 1) > 1;
  await waitFor(what, child, async () =>
    workers
      ? child.tail().includes('keymint workers listening')
      : (await fetch(`${base}/healthz`)).status === 200,
  );
  return { base, pid: child.proc.pid, stop: child.stop, tail: child.tail };
}

export interface Keymint {
  side: Side;
  base: string;
  stop(): Promise<void>;
  tail(): string;
}

/** A keymint /token side, its server's own /token histogram read from /metrics. */
export function keymintTokenSide(name: string, server: Server, key: BenchKey): Side {
  return {
    ...tokenSide(name, server.base, key.clientId, key.clientSecret, server.pid),
    serverHistogram: {
      metricsUrl: `${server.base}/metrics`,
      series: { route: '/token', method: 'POST', statusClass: '2xx' },
    },
  };
}

/**
 * keymint on a database of its own with one read:subjects key; stopping drops the
 * database too. `extra` adds settings (WORKER_PROCESSES, say).
 */
export async function startKeymint(
  sql: postgres.Sql,
  adminUrl: string,
  alg: Alg,
  extra: Record<string, string> = {},
): Promise<Keymint> {
  const db = await createBenchDb(sql, adminUrl, alg);
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  const key = await createKey(env, 'bench', ['read:subjects']);
  const server = await serveKeymint('keymint', db, extra);
  return {
    side: { ...keymintTokenSide('keymint', server, key), backends: () => db.backends() },
    base: server.base,
    tail: server.tail,
    stop: async () => {
      await server.stop();
      await db.drop();
    },
  };
}

export interface Peer {
  /** Its POST /token, for the client of a random secret. */
  side: Side;
  base: string;
  pid: number | undefined;
}

/** The reference issuer (test/bench/peer-server.mjs) with one client of a random secret. */
export async function startPeer(): Promise<Peer> {
  const port = await freePort();
  const secret = randomBytes(32).toString('base64url');
  const child = startChild('peer', [join(BENCH_DIR, 'peer-server.mjs')], {
    ...childEnv({}),
    PEER_PORT: String(port),
    PEER_CLIENT_ID: 'bench',
    PEER_CLIENT_SECRET: secret,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the peer', child, async () => child.tail().includes(`ready ${base}`));
  return { side: tokenSide('peer', base, 'bench', secret, child.proc.pid), base, pid: child.proc.pid };
}

/**
 * keymint's built-in schema without authentication (test/bench/unauthenticated-graphql.ts)
 * for one org on `db`, its backends named `app`. Stopped at once if it never gets ready,
 * so the caller's database can go next.
 */
export async function startBaseline(db: BenchDb, orgId: string, app: string): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = startChild(
    'unauthenticated',
    profiled(['--import', 'tsx', join(BENCH_DIR, 'unauthenticated-graphql.ts')]),
    {
      ...childEnv({}),
      DATABASE_URL: db.url,
      BASELINE_PORT: String(port),
      BASELINE_ORG_ID: orgId,
      PGAPPNAME: app,
    },
  );
  try {
    await waitFor('the unauthenticated server', child, async () => child.tail().includes(`ready ${base}`));
  } catch (e) {
    await child.stop();
    throw e;
  }
  return { base, pid: child.proc.pid, stop: child.stop, tail: child.tail };
}
