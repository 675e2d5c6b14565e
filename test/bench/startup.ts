// How long keymint takes to start, and how much memory it holds idle, as a user runs it:
//   npx tsx test/bench/startup.ts [--runs 3] [--pg postgres://postgres@127.0.0.1:5432/postgres]
//                                 [--entry src/cli/bin.ts]   (a .ts entry runs through tsx, as before the build)
// By default it runs the compiled build (`npm run build` first), the file `npm start` runs.
// Measures: `keymint help` wall time; `serve` from spawn to the first token on an existing
// embedded database; to the first healthy answer on a fresh one (no key can exist yet);
// to the first token on PostgreSQL (when --pg answers), and the server's idle RSS there.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../helpers/free-port';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    pg: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    entry: { type: 'string', default: 'dist/node/keymint.cjs' },
  },
});
const RUNS = Number(values.runs);
const ENTRY = resolve(ROOT, values.entry);
// A TypeScript entry needs the loader, named by path: the children run in scratch directories.
const NODE_ARGS = ENTRY.endsWith('.ts')
  ? ['--import', `file://${ROOT}node_modules/tsx/dist/loader.mjs`, ENTRY]
  : [ENTRY];

const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
});

function start(args: string[], cwd: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

async function run(args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  const child = start(args, cwd, env);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.stdin?.end();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`keymint ${args.join(' ')} failed (${code}): ${err.trim()}`);
  return out;
}

interface Key {
  clientId: string;
  clientSecret: string;
}

async function makeKey(cwd: string, env: Record<string, string>): Promise<Key> {
  await run(['org', 'create', 'bench'], cwd, env);
  return JSON.parse(
    await run(
      ['key', 'create', '--org', 'bench', '--name', 'b', '--scope', 'read:subjects', '--json'],
      cwd,
      env,
    ),
  ) as Key;
}

async function tokenStatus(base: string, key: Key): Promise<number> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${key.clientId}:${key.clientSecret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  await res.arrayBuffer();
  return res.status;
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

/** Starts `serve`, polls until `ready` answers true, and returns the milliseconds since the spawn. */
async function timeServe(
  cwd: string,
  env: Record<string, string>,
  ready: (base: string) => Promise<boolean>,
  idleRss = false,
): Promise<{ ms: number; rss?: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = start(['serve'], cwd, { ...env, PORT: String(port), ISSUER_URL: base });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  child.stdout?.resume();
  const exited = new Promise((r) => child.on('exit', r));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`serve exited: ${err.trim()}`);
      try {
        if (await ready(base)) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - t0;
    if (!idleRss) return { ms };
    await new Promise((r) => setTimeout(r, 3000));
    return { ms, rss: rssMb(child.pid as number) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const report = (what: string, xs: number[], unit = 'ms') =>
  console.log(
    `${what.padEnd(44)} median ${median(xs).toFixed(0).padStart(6)} ${unit}   runs: ${xs.map((x) => x.toFixed(0)).join(', ')}`,
  );

const scratch = () => mkdtempSync(join(tmpdir(), 'keymint-startup-'));
console.log(`keymint start-up: node ${NODE_ARGS.slice(0, -1).join(' ')} ${values.entry}, ${RUNS} runs each`);

const help: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  await run(['help'], ROOT, baseEnv());
  help.push(performance.now() - t0);
}
report('keymint help', help);

{
  const cwd = scratch();
  try {
    const key = await makeKey(cwd, baseEnv());
    const first: number[] = [];
    for (let i = 0; i < RUNS; i++)
      first.push((await timeServe(cwd, baseEnv(), async (b) => (await tokenStatus(b, key)) === 200)).ms);
    report('serve → first token, existing embedded db', first);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

{
  const healthy: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cwd = scratch();
    try {
      healthy.push(
        (await timeServe(cwd, baseEnv(), async (b) => (await fetch(`${b}/healthz`)).status === 200)).ms,
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
  report('serve → healthy, fresh embedded db', healthy);
}

const admin = postgres(values.pg, { max: 1, onnotice: () => {} });
let reachable = true;
try {
  await admin`SELECT 1`;
} catch {
  reachable = false;
  console.log(`(PostgreSQL at ${values.pg} does not answer: skipped)`);
}
if (reachable) {
  const name = `keymint_startup_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const cwd = scratch();
  try {
    const url = new URL(values.pg);
    url.pathname = `/${name}`;
    const env = {
      ...baseEnv(),
      DATABASE_URL: url.toString(),
      KEYMINT_KEK: randomBytes(32).toString('base64'),
    };
    const key = await makeKey(cwd, env);
    const first: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await timeServe(cwd, env, async (b) => (await tokenStatus(b, key)) === 200, true);
      first.push(r.ms);
      rss.push(r.rss as number);
    }
    report('serve → first token, PostgreSQL', first);
    report('serve idle RSS (3 s after it), PostgreSQL', rss, 'MB');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}
await admin.end();
