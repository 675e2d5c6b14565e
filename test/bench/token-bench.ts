// `npm run bench`: keymint's POST /token against a reference issuer (panva's
// oidc-provider, test/bench/peer-server.mjs) under the same load on the same machine.
//
// For each signing algorithm (RS256, then ES256) it creates a throw-away PostgreSQL
// database, makes an org and a key with the CLI, starts `keymint serve` as a user
// would, then runs autocannon against the peer and keymint in alternating rounds so
// both see the same machine. The peer always signs RS256: it is the reference.
// Everything listens on 127.0.0.1; children and databases are removed at the end,
// on errors, on Ctrl-C and when the run overstays its time budget.
//
//   npm run bench -- [--connections 50] [--duration 10] [--rounds 3] [--warmup 3]
//                    [--alg RS256 --alg ES256 | --skip-es256]
//
// The admin database URL comes from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres.
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon, { type Instance, type Result } from 'autocannon';
import postgres from 'postgres';
import { configSchema } from '../../src/config';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
type Alg = (typeof ALGS)[number];

const USAGE = `usage: npm run bench -- [--connections N] [--duration S] [--rounds N] [--warmup S]
                        [--alg RS256|ES256|EdDSA]… [--skip-es256]
  defaults: 50 connections, 10 s per run, 3 rounds, 3 s warm-up, --alg RS256 --alg ES256`;

// ---------------------------------------------------------------- options

function options() {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '3' },
      alg: { type: 'string', multiple: true },
      'skip-es256': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  let algs = (values.alg ?? ['RS256', 'ES256']).map((a) => {
    if (!(ALGS as readonly string[]).includes(a)) {
      console.error(`--alg must be one of ${ALGS.join(', ')}\n${USAGE}`);
      process.exit(2);
    }
    return a as Alg;
  });
  if (values['skip-es256']) algs = algs.filter((a) => a !== 'ES256');
  if (algs.length === 0) {
    console.error(`nothing to run\n${USAGE}`);
    process.exit(2);
  }
  return {
    connections: whole('connections', values.connections, 1, 1000),
    duration: whole('duration', values.duration, 1, 300),
    rounds: whole('rounds', values.rounds, 1, 20),
    warmup: whole('warmup', values.warmup, 0, 60),
    algs: [...new Set(algs)],
  };
}

// ---------------------------------------------------------------- cleanup

/** Undo actions, run last-in first-out, exactly once each. */
const cleanups: Array<() => Promise<void>> = [];
let currentLoad: Instance | undefined;
let finishing: Promise<void> | undefined;

function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    done ??= fn().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
    return done;
  };
  cleanups.push(once);
  return async () => {
    const i = cleanups.indexOf(once);
    if (i >= 0) cleanups.splice(i, 1);
    await once();
  };
}

function cleanUp(): Promise<void> {
  finishing ??= (async () => {
    currentLoad?.stop();
    while (cleanups.length > 0) await cleanups.pop()?.();
  })();
  return finishing;
}

/** Set once the run is being abandoned (Ctrl-C, SIGTERM, time budget): nothing more is measured. */
let aborting = false;

function abort(reason: string, code: number): void {
  // npm, tsx and the terminal may each deliver the same Ctrl-C: act on the first only.
  if (aborting) return;
  aborting = true;
  console.error(`\nbench: ${reason}; cleaning up`);
  void cleanUp().finally(() => process.exit(code));
}

// ---------------------------------------------------------------- processes

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => ok(port));
    });
  });
}

/** keymint's settings (every variable it reads), so nothing inherited from the caller's shell changes the run. */
const KEYMINT_VARS = Object.keys(configSchema.in.shape);

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const k of KEYMINT_VARS) delete env[k];
  return { ...env, ...extra };
}

interface Child {
  proc: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(l);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.on('error', (e) => lines.push(`${name}: ${e.message}`));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = onCleanup(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  return { proc, tail: () => lines.join('\n'), stop };
}

/** Runs the keymint CLI to completion and returns its stdout. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((r, f) => {
    proc.once('error', f);
    proc.once('exit', (c) => r(c));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`keymint ${args.slice(0, 2).join(' ')} failed (${code}): ${err.trim()}`);
  return out;
}

async function waitFor(what: string, child: Child, probe: () => Promise<boolean>, ms = 90_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null)
      throw new Error(`${what} exited before it was ready:\n${child.tail()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready within ${ms / 1000} s:\n${child.tail()}`);
}

// ---------------------------------------------------------------- the two issuers

interface Side {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The server process, for its CPU time. */
  pid: number | undefined;
  /** PostgreSQL backends serving it, whose CPU time counts too. */
  backends?: () => Promise<number[]>;
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function tokenSide(name: string, base: string, clientId: string, secret: string, pid?: number): Side {
  return {
    name,
    pid,
    url: `${base}/token`,
    headers: {
      authorization: basic(clientId, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:subjects' }).toString(),
  };
}

/** One real token request; checks it is a JWT access token of the expected algorithm. */
async function checkIssues(side: Side, alg: Alg): Promise<string> {
  const res = await fetch(side.url, { method: 'POST', headers: side.headers, body: side.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${side.name} answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { access_token?: string; token_type?: string; scope?: string };
  const header = JSON.parse(Buffer.from(body.access_token?.split('.')[0] ?? '', 'base64url').toString()) as {
    alg?: string;
    typ?: string;
  };
  if (header.alg !== alg || header.typ !== 'at+jwt' || body.scope !== 'read:subjects')
    throw new Error(`${side.name} issued something else: header ${JSON.stringify(header)}, body ${text}`);
  return `${side.name}: ${alg} at+jwt, ${body.access_token?.length} chars, scope ${body.scope}`;
}

async function startPeer(): Promise<Side> {
  const port = await freePort();
  const secret = randomBytes(32).toString('base64url');
  const child = startChild('peer', [join(HERE, 'peer-server.mjs')], {
    ...childEnv({}),
    PEER_PORT: String(port),
    PEER_CLIENT_ID: 'bench',
    PEER_CLIENT_SECRET: secret,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the peer', child, async () => child.tail().includes(`ready ${base}`));
  return tokenSide('peer', base, 'bench', secret, child.proc.pid);
}

interface Keymint {
  side: Side;
  stop(): Promise<void>;
  tail(): string;
}

async function startKeymint(sql: postgres.Sql, adminUrl: string, alg: Alg): Promise<Keymint> {
  const dbName = `keymint_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await sql.unsafe(`CREATE DATABASE "${dbName}"`);
  const dropDb = onCleanup(async () => {
    await sql.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  });
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = childEnv({
    DATABASE_URL: dbUrl.toString(),
    HOST: '127.0.0.1',
    PORT: String(port),
    ISSUER_URL: base,
    KEYMINT_KEK: randomBytes(32).toString('base64'),
    SIGNING_ALG: alg,
  });
  await cli(['org', 'create', 'bench'], env);
  const key = JSON.parse(
    await cli(
      ['key', 'create', '--org', 'bench', '--name', 'bench', '--scope', 'read:subjects', '--json'],
      env,
    ),
  ) as { clientId: string; clientSecret: string };
  const child = startChild('keymint', ['--import', 'tsx', 'src/cli/main.ts', 'serve'], env);
  await waitFor('keymint', child, async () => (await fetch(`${base}/healthz`)).status === 200);
  return {
    side: {
      ...tokenSide('keymint', base, key.clientId, key.clientSecret, child.proc.pid),
      backends: async () =>
        (await sql`SELECT pid FROM pg_stat_activity WHERE datname = ${dbName}`).map((r) => Number(r.pid)),
    },
    tail: child.tail,
    stop: async () => {
      await child.stop();
      await dropDb();
    },
  };
}

// ---------------------------------------------------------------- CPU time

/**
 * CPU seconds (user + system, all threads) of a process, from /proc; undefined where
 * there is no /proc or the process is gone. CPU per token is steadier than req/s on a
 * machine that other work shares.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

function sumCpu(pids: number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const s = cpuSeconds(pid);
    if (s === undefined) return undefined;
    total += s;
  }
  return total;
}

// ---------------------------------------------------------------- load

interface Run {
  side: string;
  round: number;
  rps: number;
  /** Server CPU per 2xx answer, µs (PostgreSQL backends in `dbCpu`). */
  cpu: number | undefined;
  dbCpu: number | undefined;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function load(side: Side, connections: number, duration: number): Promise<Result> {
  return new Promise((ok, fail) => {
    currentLoad = autocannon(
      {
        url: side.url,
        method: 'POST',
        headers: side.headers,
        body: side.body,
        connections,
        duration,
        timeout: 10,
      },
      (err, result) => {
        currentLoad = undefined;
        if (aborting) fail(new Error('aborted'));
        else if (err) fail(err);
        else ok(result);
      },
    );
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const ms = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

function row(label: string, r: Run): string {
  return [
    label.padEnd(16),
    String(r.round).padStart(5),
    String(Math.round(r.rps)).padStart(8),
    ms(r.p50).padStart(7),
    ms(r.p99).padStart(7),
    String(r.non2xx).padStart(7),
    String(r.errors).padStart(7),
    (r.cpu === undefined ? '-' : String(Math.round(r.cpu))).padStart(9),
    (r.dbCpu === undefined ? '-' : `+${Math.round(r.dbCpu)}`).padStart(7),
  ].join(' ');
}

const HEADER = `${'side'.padEnd(16)} ${'round'.padStart(5)} ${'req/s'.padStart(8)} ${'p50ms'.padStart(7)} ${'p99ms'.padStart(7)} ${'non2xx'.padStart(7)} ${'errors'.padStart(7)} ${'cpuµs/tok'.padStart(9)} ${'+pgµs'.padStart(7)}`;

interface PhaseResult {
  alg: Alg;
  ratioRps: number;
  ratioP99: number;
  keymintRps: number;
  peerRps: number;
  keymintP99: number;
  peerP99: number;
  valid: boolean;
}

async function phase(
  o: ReturnType<typeof options>,
  sql: postgres.Sql,
  adminUrl: string,
  peer: Side,
  alg: Alg,
): Promise<PhaseResult> {
  console.log(`\n== keymint ${alg} vs peer RS256 (${o.connections} connections, ${o.duration} s runs) ==`);
  const keymint = await startKeymint(sql, adminUrl, alg);
  try {
    console.log(await checkIssues(peer, 'RS256'));
    console.log(await checkIssues(keymint.side, alg));
    if (o.warmup > 0) {
      await load(peer, o.connections, o.warmup);
      await load(keymint.side, o.connections, o.warmup);
    }
    console.log(HEADER);
    const runs: { peer: Run; keymint: Run }[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      const got: Partial<Record<'peer' | 'keymint', Run>> = {};
      for (const [key, side] of [
        ['peer', peer],
        ['keymint', keymint.side],
      ] as const) {
        const backends = (await side.backends?.()) ?? [];
        const before = [cpuSeconds(side.pid), sumCpu(backends)];
        const r = await load(side, o.connections, o.duration);
        const after = [cpuSeconds(side.pid), sumCpu(backends)];
        const perToken = (i: number) => {
          const [a, b] = [before[i], after[i]];
          return a === undefined || b === undefined || r['2xx'] === 0
            ? undefined
            : ((b - a) * 1e6) / r['2xx'];
        };
        const run: Run = {
          side: key,
          round,
          rps: r.requests.average,
          cpu: perToken(0),
          dbCpu: side.backends ? perToken(1) : undefined,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
        };
        got[key] = run;
        console.log(row(key === 'peer' ? 'peer RS256' : `keymint ${alg}`, run));
      }
      runs.push(got as { peer: Run; keymint: Run });
    }
    const bad = runs.filter((r) => r.keymint.non2xx > 0 || r.keymint.errors > 0);
    const peerBad = runs.filter((r) => r.peer.non2xx > 0 || r.peer.errors > 0);
    const result: PhaseResult = {
      alg,
      ratioRps: median(runs.map((r) => r.keymint.rps / r.peer.rps)),
      ratioP99: median(runs.map((r) => r.keymint.p99 / r.peer.p99)),
      keymintRps: median(runs.map((r) => r.keymint.rps)),
      peerRps: median(runs.map((r) => r.peer.rps)),
      keymintP99: median(runs.map((r) => r.keymint.p99)),
      peerP99: median(runs.map((r) => r.peer.p99)),
      valid: bad.length === 0,
    };
    console.log(
      `median keymint ${alg}: ${Math.round(result.keymintRps)} req/s, p99 ${ms(result.keymintP99)} ms | ` +
        `peer RS256: ${Math.round(result.peerRps)} req/s, p99 ${ms(result.peerP99)} ms`,
    );
    const cpuOf = (xs: (number | undefined)[]) =>
      xs.every((x) => x !== undefined) ? `${Math.round(median(xs as number[]))} µs` : 'n/a';
    console.log(
      `median server CPU per token: keymint ${alg} ${cpuOf(runs.map((r) => r.keymint.cpu))} ` +
        `+ PostgreSQL ${cpuOf(runs.map((r) => r.keymint.dbCpu))} | peer RS256 ${cpuOf(runs.map((r) => r.peer.cpu))}`,
    );
    console.log(
      `ratio keymint/peer (median of ${o.rounds} rounds): req/s ${result.ratioRps.toFixed(2)}, p99 ${result.ratioP99.toFixed(2)}`,
    );
    if (!result.valid) {
      console.log(
        `INVALID: keymint answered non-2xx or errors in ${bad.length} of ${o.rounds} rounds; these figures do not count`,
      );
      console.log(keymint.tail());
    }
    if (peerBad.length > 0)
      console.log(`warning: the peer answered non-2xx or errors in ${peerBad.length} rounds`);
    return result;
  } finally {
    await keymint.stop();
  }
}

/** What one core can sign per second with node:crypto: the floor under any issuer's cost. */
function signingFloor(): string {
  const data = Buffer.alloc(400, 120);
  const rate = (key: Parameters<typeof sign>[2], hash: string | null) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 500) {
      sign(hash, data, key);
      n++;
    }
    return Math.round(n * 2);
  };
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return `one-core signatures/s (node:crypto): RS256 ${rate(rsa, 'sha256')}, ES256 ${rate(ec, 'sha256')}`;
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const o = options();
  const adminUrl =
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres';
  const host = new URL(adminUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    throw new Error(`the bench only uses loopback traffic; the database host is ${host}`);

  // A hard stop: setup, warm-ups and rounds, plus a generous margin.
  const budget = o.algs.length * (2 * o.warmup + 2 * o.rounds * (o.duration + 2) + 120) + 60;
  const deadline = setTimeout(() => abort(`over the time budget of ${budget} s`, 124), budget * 1000);
  deadline.unref();

  console.log(
    `keymint token bench: node ${process.version}, ${availableParallelism()} cores; ${o.connections} connections, ` +
      `${o.duration} s x ${o.rounds} alternating rounds, ${o.warmup} s warm-up; algs ${o.algs.join(', ')}`,
  );
  console.log(signingFloor());

  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  onCleanup(() => sql.end({ timeout: 5 }));
  const peer = await startPeer();

  const results: PhaseResult[] = [];
  for (const alg of o.algs) results.push(await phase(o, sql, adminUrl, peer, alg));

  console.log('\n== summary ==');
  for (const r of results) {
    const met = r.ratioRps >= 1 && r.ratioP99 <= 1;
    console.log(
      `keymint ${r.alg.padEnd(5)} / peer RS256: req/s ratio ${r.ratioRps.toFixed(2)}, p99 ratio ${r.ratioP99.toFixed(2)} ` +
        `(keymint ${Math.round(r.keymintRps)} req/s p99 ${ms(r.keymintP99)} ms, peer ${Math.round(r.peerRps)} req/s p99 ${ms(r.peerP99)} ms)` +
        (r.valid ? (met ? ' — target met' : ' — target missed') : ' — INVALID (keymint non-2xx/errors)'),
    );
  }
  return results.every((r) => r.valid) ? 0 : 1;
}

process.on('SIGINT', () => abort('interrupted', 130));
process.on('SIGTERM', () => abort('terminated', 143));
process.on('SIGHUP', () => abort('hung up', 129));
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => {
    console.error(`bench: ${event}: ${(e as Error)?.stack ?? e}`);
    abort('crashed', 1);
  });
}

main().then(
  async (code) => {
    if (aborting) return; // abort() cleans up and exits
    await cleanUp();
    process.exit(code);
  },
  async (e) => {
    if (aborting) return;
    console.error(`bench failed: ${(e as Error).stack ?? e}`);
    await cleanUp();
    process.exit(1);
  },
);
