// `npm run bench`: keymint under load on the same machine, in three sections, each in
// alternating rounds with autocannon so both contenders see the same machine:
//
//   token    keymint's POST /token against a reference issuer (panva's oidc-provider,
//            test/bench/peer-server.mjs). For each signing algorithm (RS256, then ES256)
//            it creates a throw-away PostgreSQL database, makes an org and a key with the
//            CLI and starts `keymint serve` as a user would. The peer always signs RS256:
//            it is the reference.
//   usage    keymint RS256 POST /token with USAGE_ACCOUNTING=on against =off: two servers
//            on one database, each with its own key; afterwards the usage table must show
//            the "on" key's tokens and nothing for the "off" key. Target: ratio >= 0.95.
//   gateway  keymint's POST /graphql (bearer token, revocation cache, limits, scopes) for
//            `{ subjects { id name } }` over 5 subjects, against the same built-in schema
//            served without authentication on the same database
//            (test/bench/unauthenticated-graphql.ts). Every answer must be the same body.
//            Target: ratio >= 0.85.
//
// Everything listens on 127.0.0.1; children and databases are removed at the end,
// on errors, on Ctrl-C and when the run overstays its time budget. A run with non-2xx
// answers, errors or (gateway) other bodies is INVALID and exits 1.
//
//   npm run bench -- [--only token,usage,gateway] [--connections 50] [--duration 10]
//                    [--rounds 3] [--warmup 3] [--alg RS256 --alg ES256 | --skip-es256]
//                    [--cpu-prof DIR]
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

const SECTIONS = ['token', 'usage', 'gateway'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `usage: npm run bench -- [--only token,usage,gateway] [--connections N] [--duration S]
                        [--rounds N] [--warmup S] [--alg RS256|ES256|EdDSA]… [--skip-es256]
                        [--cpu-prof DIR]
  sections (default all; --only may repeat or list several, comma-separated):
    token    keymint POST /token vs node-oidc-provider, once per --alg
    usage    keymint RS256 POST /token, USAGE_ACCOUNTING=on vs off (target ratio >= 0.95)
    gateway  keymint POST /graphql vs the same schema without authentication (target >= 0.85)
  --cpu-prof DIR  keymint and baseline servers write V8 CPU profiles (node --cpu-prof) to DIR
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
      only: { type: 'string', multiple: true },
      'cpu-prof': { type: 'string' },
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
  const only = new Set(
    (values.only ?? [SECTIONS.join(',')]).flatMap((v) => v.split(',').map((x) => x.trim())).filter(Boolean),
  );
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      console.error(`--only takes ${SECTIONS.join(', ')}; got "${name}"\n${USAGE}`);
      process.exit(2);
    }
  }
  const sections = SECTIONS.filter((x) => only.has(x));
  if (sections.length === 0 || (sections.includes('token') && algs.length === 0)) {
    console.error(`nothing to run\n${USAGE}`);
    process.exit(2);
  }
  return {
    connections: whole('connections', values.connections, 1, 1000),
    duration: whole('duration', values.duration, 1, 300),
    rounds: whole('rounds', values.rounds, 1, 20),
    warmup: whole('warmup', values.warmup, 0, 60),
    algs: [...new Set(algs)],
    sections: sections as Section[],
    cpuProf: values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined,
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

/** From --cpu-prof: where server children write V8 CPU profiles (on exit). */
let cpuProfDir: string | undefined;
const profiled = (args: string[]) =>
  cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, ...args] : args;

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
  const exited = new Promise<void>((r) =>
    proc.once('exit', (code, signal) => {
      lines.push(`(${name} exited: ${signal ?? `code ${code}`})`);
      r();
    }),
  );
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

// ---------------------------------------------------------------- the servers

interface Side {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** When set, every answer must be exactly this body; others count as errors. */
  expectBody?: string;
  /** Runs before each load on this side (a fresh bearer token, say). */
  prepare?: () => Promise<void>;
  /** The server process, for its CPU time. */
  pid: number | undefined;
  /** PostgreSQL backends serving it, whose CPU time counts too. */
  backends?: () => Promise<number[]>;
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const TOKEN_FORM = (scope: string) =>
  new URLSearchParams({ grant_type: 'client_credentials', scope }).toString();

function tokenSide(name: string, base: string, clientId: string, secret: string, pid?: number): Side {
  return {
    name,
    pid,
    url: `${base}/token`,
    headers: {
      authorization: basic(clientId, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: TOKEN_FORM('read:subjects'),
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

interface BenchDb {
  name: string;
  url: string;
  /** Settings shared by every keymint process on this database (the CLI's too). */
  env: Record<string, string>;
  /** Backends of this database, of one application_name (PGAPPNAME) when given. */
  backends(app?: string): Promise<number[]>;
  drop(): Promise<void>;
}

/** A throw-away database, dropped on cleanup. */
async function createBenchDb(sql: postgres.Sql, adminUrl: string, alg: Alg): Promise<BenchDb> {
  const name = `keymint_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await sql.unsafe(`CREATE DATABASE "${name}"`);
  const drop = onCleanup(async () => {
    await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    env: {
      DATABASE_URL: url.toString(),
      HOST: '127.0.0.1',
      KEYMINT_KEK: randomBytes(32).toString('base64'),
      SIGNING_ALG: alg,
    },
    backends: async (app) =>
      (app === undefined
        ? await sql`SELECT pid FROM pg_stat_activity WHERE datname = ${name}`
        : await sql`SELECT pid FROM pg_stat_activity WHERE datname = ${name} AND application_name = ${app}`
      ).map((r) => Number(r.pid)),
    drop,
  };
}

interface BenchKey {
  id: string;
  clientId: string;
  clientSecret: string;
}

async function createKey(env: NodeJS.ProcessEnv, name: string, scopes: string[]): Promise<BenchKey> {
  return JSON.parse(
    await cli(
      ['key', 'create', '--org', 'bench', '--name', name, ...scopes.flatMap((s) => ['--scope', s]), '--json'],
      env,
    ),
  ) as BenchKey;
}

interface Server {
  base: string;
  pid: number | undefined;
  stop(): Promise<void>;
  tail(): string;
}

/** `keymint serve` on a free port, ready once /healthz answers 200. */
async function serveKeymint(what: string, db: BenchDb, extra: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = childEnv({ ...db.env, PORT: String(port), ISSUER_URL: base, ...extra });
  const child = startChild(what, profiled(['--import', 'tsx', 'src/cli/main.ts', 'serve']), env);
  await waitFor(what, child, async () => (await fetch(`${base}/healthz`)).status === 200);
  return { base, pid: child.proc.pid, stop: child.stop, tail: child.tail };
}

interface Keymint {
  side: Side;
  stop(): Promise<void>;
  tail(): string;
}

async function startKeymint(sql: postgres.Sql, adminUrl: string, alg: Alg): Promise<Keymint> {
  const db = await createBenchDb(sql, adminUrl, alg);
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  const key = await createKey(env, 'bench', ['read:subjects']);
  const server = await serveKeymint('keymint', db);
  return {
    side: {
      ...tokenSide('keymint', server.base, key.clientId, key.clientSecret, server.pid),
      backends: () => db.backends(),
    },
    tail: server.tail,
    stop: async () => {
      await server.stop();
      await db.drop();
    },
  };
}

/** An access token from keymint's /token for `scope`. */
async function fetchToken(base: string, key: BenchKey, scope: string): Promise<string> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      authorization: basic(key.clientId, key.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: TOKEN_FORM(scope),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`keymint /token (${scope}) answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

/** One GraphQL request; throws unless it is a 200 without errors. Returns the body as sent. */
async function graphql(url: string, query: string, token?: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (res.status !== 200 || 'errors' in (JSON.parse(text) as object))
    throw new Error(`${url} answered ${res.status}: ${text}`);
  return text;
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
  /** Socket errors, timeouts and (with expectBody) other bodies. */
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
        ...(side.expectBody === undefined ? {} : { expectBody: side.expectBody }),
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

const header = (cpu: string) =>
  `${'side'.padEnd(16)} ${'round'.padStart(5)} ${'req/s'.padStart(8)} ${'p50ms'.padStart(7)} ${'p99ms'.padStart(7)} ${'non2xx'.padStart(7)} ${'errors'.padStart(7)} ${cpu.padStart(9)} ${'+pgµs'.padStart(7)}`;

const cpuOf = (xs: (number | undefined)[]) =>
  xs.every((x) => x !== undefined) ? `${Math.round(median(xs as number[]))} µs` : 'n/a';

const failed = (r: Run) => r.non2xx > 0 || r.errors > 0;

/**
 * Warm-up, then `rounds` rounds in which every contender gets one run of its own, in
 * order; prints a row per run and returns them per round, in the contenders' order.
 */
async function alternate(
  o: ReturnType<typeof options>,
  contenders: { label: string; side: Side }[],
  cpuColumn: string,
): Promise<Run[][]> {
  if (o.warmup > 0) {
    for (const { side } of contenders) {
      await side.prepare?.();
      await load(side, o.connections, o.warmup);
    }
  }
  console.log(header(cpuColumn));
  const rounds: Run[][] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const got: Run[] = [];
    for (const { label, side } of contenders) {
      await side.prepare?.();
      const backends = (await side.backends?.()) ?? [];
      const before = [cpuSeconds(side.pid), sumCpu(backends)];
      const r = await load(side, o.connections, o.duration);
      const after = [cpuSeconds(side.pid), sumCpu(backends)];
      const perAnswer = (i: number) => {
        const [a, b] = [before[i], after[i]];
        return a === undefined || b === undefined || r['2xx'] === 0 ? undefined : ((b - a) * 1e6) / r['2xx'];
      };
      const run: Run = {
        side: side.name,
        round,
        rps: r.requests.average,
        cpu: perAnswer(0),
        dbCpu: side.backends ? perAnswer(1) : undefined,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts + (r.mismatches ?? 0),
      };
      got.push(run);
      console.log(row(label, run));
    }
    rounds.push(got);
  }
  return rounds;
}

/** Medians over rounds of contender `i` (and of its ratio to contender `j`). */
function medians(rounds: Run[][], i: number, j: number) {
  const at = (r: Run[], k: number) => r[k] as Run;
  return {
    rps: median(rounds.map((r) => at(r, i).rps)),
    p50: median(rounds.map((r) => at(r, i).p50)),
    p99: median(rounds.map((r) => at(r, i).p99)),
    cpu: cpuOf(rounds.map((r) => at(r, i).cpu)),
    dbCpu: cpuOf(rounds.map((r) => at(r, i).dbCpu)),
    ratioRps: median(rounds.map((r) => at(r, i).rps / at(r, j).rps)),
    ratioP99: median(rounds.map((r) => at(r, i).p99 / at(r, j).p99)),
    bad: rounds.filter((r) => failed(at(r, i))).length,
  };
}

// ---------------------------------------------------------------- section token

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
    const rounds = await alternate(
      o,
      [
        { label: 'peer RS256', side: peer },
        { label: `keymint ${alg}`, side: keymint.side },
      ],
      'cpuµs/tok',
    );
    const km = medians(rounds, 1, 0);
    const pr = medians(rounds, 0, 1);
    const result: PhaseResult = {
      alg,
      ratioRps: km.ratioRps,
      ratioP99: km.ratioP99,
      keymintRps: km.rps,
      peerRps: pr.rps,
      keymintP99: km.p99,
      peerP99: pr.p99,
      valid: km.bad === 0,
    };
    console.log(
      `median keymint ${alg}: ${Math.round(result.keymintRps)} req/s, p99 ${ms(result.keymintP99)} ms | ` +
        `peer RS256: ${Math.round(result.peerRps)} req/s, p99 ${ms(result.peerP99)} ms`,
    );
    console.log(
      `median server CPU per token: keymint ${alg} ${km.cpu} + PostgreSQL ${km.dbCpu} | peer RS256 ${pr.cpu}`,
    );
    console.log(
      `ratio keymint/peer (median of ${o.rounds} rounds): req/s ${result.ratioRps.toFixed(2)}, p99 ${result.ratioP99.toFixed(2)}`,
    );
    if (!result.valid) {
      console.log(
        `INVALID: keymint answered non-2xx or errors in ${km.bad} of ${o.rounds} rounds; these figures do not count`,
      );
      console.log(keymint.tail());
    }
    if (pr.bad > 0) console.log(`warning: the peer answered non-2xx or errors in ${pr.bad} rounds`);
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

// ---------------------------------------------------------------- section usage

interface PairResult {
  /** req/s and p99 of the measured side (a) and its reference (b), medians over rounds. */
  aRps: number;
  bRps: number;
  aP50: number;
  bP50: number;
  aP99: number;
  bP99: number;
  /** Median of the per-round ratios a/b. */
  ratioRps: number;
  ratioP99: number;
  valid: boolean;
}

const USAGE_TARGET = 0.95;
const GATEWAY_TARGET = 0.85;

/**
 * keymint RS256 with USAGE_ACCOUNTING=on against =off: one database, two servers
 * (started one after the other, so the second finds the signing key the first made),
 * one key each, so the usage table tells afterwards which server counted.
 */
async function usagePhase(
  o: ReturnType<typeof options>,
  sql: postgres.Sql,
  adminUrl: string,
): Promise<PairResult> {
  console.log(
    `\n== keymint RS256 POST /token, USAGE_ACCOUNTING=on vs off (one database, two servers; ` +
      `${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  const keys = {
    on: await createKey(env, 'usage-on', ['read:subjects']),
    off: await createKey(env, 'usage-off', ['read:subjects']),
  };
  const servers: Partial<Record<'on' | 'off', Server>> = {};
  try {
    const sides = {} as Record<'on' | 'off', Side>;
    for (const mode of ['on', 'off'] as const) {
      const app = `keymint_usage_${mode}`;
      const server = await serveKeymint(`keymint usage=${mode}`, db, {
        USAGE_ACCOUNTING: mode,
        PGAPPNAME: app,
      });
      servers[mode] = server;
      sides[mode] = {
        ...tokenSide(
          `keymint usage=${mode}`,
          server.base,
          keys[mode].clientId,
          keys[mode].clientSecret,
          server.pid,
        ),
        backends: () => db.backends(app),
      };
      console.log(await checkIssues(sides[mode], 'RS256'));
    }
    const rounds = await alternate(
      o,
      [
        { label: 'usage=on', side: sides.on },
        { label: 'usage=off', side: sides.off },
      ],
      'cpuµs/tok',
    );
    const on = medians(rounds, 0, 1);
    const off = medians(rounds, 1, 0);
    console.log(
      `median usage=on: ${Math.round(on.rps)} req/s, p99 ${ms(on.p99)} ms | ` +
        `usage=off: ${Math.round(off.rps)} req/s, p99 ${ms(off.p99)} ms`,
    );
    console.log(
      `median server CPU per token: usage=on ${on.cpu} + PostgreSQL ${on.dbCpu} | usage=off ${off.cpu} + PostgreSQL ${off.dbCpu}`,
    );
    console.log(
      `ratio on/off (median of ${o.rounds} rounds): req/s ${on.ratioRps.toFixed(2)}, p99 ${on.ratioP99.toFixed(2)}`,
    );

    // Stopping flushes what is buffered; then the table must hold the "on" key's tokens only.
    for (const mode of ['on', 'off'] as const) await servers[mode]?.stop();
    const check = postgres(db.url, { max: 1, onnotice: () => {} });
    const counted = await check`SELECT key_id, sum(issued)::int AS issued FROM usage_hourly GROUP BY key_id`
      .then((rows) => new Map(rows.map((r) => [String(r.key_id), Number(r.issued)])))
      .finally(() => check.end({ timeout: 5 }));
    const [onCount, offCount] = [counted.get(keys.on.id) ?? 0, counted.get(keys.off.id) ?? 0];
    const accounted = onCount > 0 && offCount === 0;
    console.log(
      `usage table after the runs: usage=on key ${onCount} tokens issued, usage=off key ${offCount}` +
        (accounted ? '' : ' — expected > 0 and 0'),
    );
    const bad = on.bad + off.bad;
    if (bad > 0 || !accounted) {
      console.log(
        `INVALID: ${bad > 0 ? `non-2xx or errors in ${bad} runs` : 'USAGE_ACCOUNTING did not take effect'}; these figures do not count`,
      );
      console.log(servers.on?.tail() ?? '');
      console.log(servers.off?.tail() ?? '');
    }
    return {
      aRps: on.rps,
      bRps: off.rps,
      aP50: on.p50,
      bP50: off.p50,
      aP99: on.p99,
      bP99: off.p99,
      ratioRps: on.ratioRps,
      ratioP99: on.ratioP99,
      valid: bad === 0 && accounted,
    };
  } finally {
    for (const mode of ['on', 'off'] as const) await servers[mode]?.stop();
    await db.drop();
  }
}

// ---------------------------------------------------------------- section gateway

const SUBJECTS_QUERY = '{ subjects { id name } }';
const SUBJECT_COUNT = 5;

/**
 * keymint's POST /graphql against the same built-in schema served without
 * authentication (test/bench/unauthenticated-graphql.ts) on the same database and org.
 * The keymint side sends a read:subjects token, fetched afresh before each run.
 */
async function gatewayPhase(
  o: ReturnType<typeof options>,
  sql: postgres.Sql,
  adminUrl: string,
): Promise<PairResult> {
  console.log(
    `\n== keymint POST /graphql vs the same schema without authentication (one database; ` +
      `${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const env = childEnv(db.env);
  const org = JSON.parse(await cli(['org', 'create', 'bench', '--json'], env)) as { id: string };
  const reader = await createKey(env, 'reader', ['read:subjects']);
  const writer = await createKey(env, 'writer', ['write:subjects']);
  let keymint: Server | undefined;
  let baseline: Child | undefined;
  try {
    keymint = await serveKeymint('keymint', db, { PGAPPNAME: 'keymint_gateway' });
    const gatewayUrl = `${keymint.base}/graphql`;
    const write = await fetchToken(keymint.base, writer, 'write:subjects');
    for (let i = 1; i <= SUBJECT_COUNT; i++)
      await graphql(gatewayUrl, `mutation { createSubject(name: "bench subject ${i}") { id } }`, write);

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const started = startChild(
      'unauthenticated',
      profiled(['--import', 'tsx', join(HERE, 'unauthenticated-graphql.ts')]),
      {
        ...childEnv({}),
        DATABASE_URL: db.url,
        BASELINE_PORT: String(port),
        BASELINE_ORG_ID: org.id,
        PGAPPNAME: 'unauthenticated_graphql',
      },
    );
    baseline = started;
    await waitFor('the unauthenticated server', started, async () =>
      started.tail().includes(`ready ${baseUrl}`),
    );

    const expected = await graphql(
      gatewayUrl,
      SUBJECTS_QUERY,
      await fetchToken(keymint.base, reader, 'read:subjects'),
    );
    const got = (JSON.parse(expected) as { data: { subjects: unknown[] } }).data.subjects.length;
    if (got !== SUBJECT_COUNT)
      throw new Error(`keymint listed ${got} subjects, not ${SUBJECT_COUNT}: ${expected}`);
    const plain = await graphql(`${baseUrl}/graphql`, SUBJECTS_QUERY);
    if (plain !== expected) throw new Error(`the two servers answer differently:\n${expected}\n${plain}`);
    console.log(`both answer ${expected.length} bytes: ${SUBJECT_COUNT} subjects of org ${org.id}`);

    const body = JSON.stringify({ query: SUBJECTS_QUERY });
    const server = keymint;
    const gateway: Side = {
      name: 'keymint gateway',
      url: gatewayUrl,
      headers: { 'content-type': 'application/json' },
      body,
      expectBody: expected,
      pid: server.pid,
      backends: () => db.backends('keymint_gateway'),
      prepare: async () => {
        gateway.headers.authorization = `Bearer ${await fetchToken(server.base, reader, 'read:subjects')}`;
      },
    };
    const unauthenticated: Side = {
      name: 'unauthenticated',
      url: `${baseUrl}/graphql`,
      headers: { 'content-type': 'application/json' },
      body,
      expectBody: expected,
      pid: started.proc.pid,
      backends: () => db.backends('unauthenticated_graphql'),
    };
    const rounds = await alternate(
      o,
      [
        { label: 'keymint gateway', side: gateway },
        { label: 'unauthenticated', side: unauthenticated },
      ],
      'cpuµs/req',
    );
    const gw = medians(rounds, 0, 1);
    const un = medians(rounds, 1, 0);
    console.log(
      `median gateway: ${Math.round(gw.rps)} req/s, p50 ${ms(gw.p50)} ms, p99 ${ms(gw.p99)} ms | ` +
        `unauthenticated: ${Math.round(un.rps)} req/s, p50 ${ms(un.p50)} ms, p99 ${ms(un.p99)} ms`,
    );
    console.log(
      `median server CPU per request: gateway ${gw.cpu} + PostgreSQL ${gw.dbCpu} | unauthenticated ${un.cpu} + PostgreSQL ${un.dbCpu}`,
    );
    console.log(
      `ratio gateway/unauthenticated (median of ${o.rounds} rounds): req/s ${gw.ratioRps.toFixed(2)}, p99 ${gw.ratioP99.toFixed(2)}`,
    );
    const bad = gw.bad + un.bad;
    if (bad > 0) {
      console.log(`INVALID: non-2xx, errors or other bodies in ${bad} runs; these figures do not count`);
      console.log(keymint.tail());
      console.log(started.tail());
    }
    return {
      aRps: gw.rps,
      bRps: un.rps,
      aP50: gw.p50,
      bP50: un.p50,
      aP99: gw.p99,
      bP99: un.p99,
      ratioRps: gw.ratioRps,
      ratioP99: gw.ratioP99,
      valid: bad === 0,
    };
  } finally {
    await baseline?.stop();
    await keymint?.stop();
    await db.drop();
  }
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
  const has = (s: Section) => o.sections.includes(s);
  cpuProfDir = o.cpuProf;

  // A hard stop: setup, warm-ups and rounds, plus a generous margin, per measured pair.
  const pairs = (has('token') ? o.algs.length : 0) + (has('usage') ? 1 : 0) + (has('gateway') ? 1 : 0);
  const budget = pairs * (2 * o.warmup + 2 * o.rounds * (o.duration + 2) + 120) + 60;
  const deadline = setTimeout(() => abort(`over the time budget of ${budget} s`, 124), budget * 1000);
  deadline.unref();

  console.log(
    `keymint token bench: node ${process.version}, ${availableParallelism()} cores; ${o.connections} connections, ` +
      `${o.duration} s x ${o.rounds} alternating rounds, ${o.warmup} s warm-up; algs ${o.algs.join(', ')}; ` +
      `sections ${o.sections.join(', ')}`,
  );
  if (has('token') || has('usage')) console.log(signingFloor());

  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  onCleanup(() => sql.end({ timeout: 5 }));

  const results: PhaseResult[] = [];
  if (has('token')) {
    const peer = await startPeer();
    for (const alg of o.algs) results.push(await phase(o, sql, adminUrl, peer, alg));
  }
  const usage = has('usage') ? await usagePhase(o, sql, adminUrl) : undefined;
  const gateway = has('gateway') ? await gatewayPhase(o, sql, adminUrl) : undefined;

  console.log('\n== summary ==');
  for (const r of results) {
    const met = r.ratioRps >= 1 && r.ratioP99 <= 1;
    console.log(
      `keymint ${r.alg.padEnd(5)} / peer RS256: req/s ratio ${r.ratioRps.toFixed(2)}, p99 ratio ${r.ratioP99.toFixed(2)} ` +
        `(keymint ${Math.round(r.keymintRps)} req/s p99 ${ms(r.keymintP99)} ms, peer ${Math.round(r.peerRps)} req/s p99 ${ms(r.peerP99)} ms)` +
        (r.valid ? (met ? ' — target met' : ' — target missed') : ' — INVALID (keymint non-2xx/errors)'),
    );
  }
  const verdict = (r: PairResult, target: number) =>
    r.valid ? (r.ratioRps >= target ? ' — target met' : ' — target missed') : ' — INVALID';
  if (usage)
    console.log(
      `usage accounting on/off: req/s ratio ${usage.ratioRps.toFixed(2)} (target >= ${USAGE_TARGET}), p99 ratio ${usage.ratioP99.toFixed(2)} ` +
        `(on ${Math.round(usage.aRps)} req/s p99 ${ms(usage.aP99)} ms, off ${Math.round(usage.bRps)} req/s p99 ${ms(usage.bP99)} ms)` +
        verdict(usage, USAGE_TARGET),
    );
  if (gateway)
    console.log(
      `gateway/unauthenticated: req/s ratio ${gateway.ratioRps.toFixed(2)} (target >= ${GATEWAY_TARGET}), p99 ratio ${gateway.ratioP99.toFixed(2)} ` +
        `(gateway ${Math.round(gateway.aRps)} req/s p50 ${ms(gateway.aP50)} p99 ${ms(gateway.aP99)} ms, ` +
        `unauthenticated ${Math.round(gateway.bRps)} req/s p50 ${ms(gateway.bP50)} p99 ${ms(gateway.bP99)} ms)` +
        verdict(gateway, GATEWAY_TARGET),
    );
  return results.every((r) => r.valid) && usage?.valid !== false && gateway?.valid !== false ? 0 : 1;
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
