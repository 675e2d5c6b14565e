// How much CPU a warm Worker isolate spends per request, measured in workerd itself:
//   npx tsx test/workers/warm-cpu.ts [--requests 300] [--root .]
// Runs the Worker in workerd through wrangler's local dev server (with the real
// wrangler.toml), against a throw-away PostgreSQL database (TEST_DATABASE_URL's server, else
// the local one), warms the isolate up, then sends sequential requests and reads the
// workerd process's CPU time from /proc before and after: CPU per request, for /token
// (client_secret_basic) and for the JWKS. Every /token opens its own connection to
// PostgreSQL (a Worker's sockets live as long as its request; Hyperdrive pools them in
// production), so that handshake is part of the figure.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { type Unstable_DevWorker, unstable_dev } from 'wrangler';
import { createKey } from '../../src/api-keys/create-key';
import { BUILTIN_SCOPE_CATALOG } from '../../src/api-keys/scopes';
import { operatorActor } from '../../src/audit/actor';
import { migrate } from '../../src/db/migrate';
import { readMigrations } from '../../src/db/migrations-dir';
import { openPostgres } from '../../src/db/postgres';
import { createOrg } from '../../src/orgs/create-org';
import { generateKekBase64 } from '../../src/signing/kek';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    // Another checkout to bundle (the same measurement before a change).
    root: { type: 'string', default: fileURLToPath(new URL('../..', import.meta.url)) },
  },
});
const REQUESTS = Number(values.requests);
const ROOT = resolve(values.root);

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The workerd processes wrangler started (descendants of this process). */
function workerdPids(): number[] {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === process.pid) return true;
    return false;
  };
  return [...names].filter(([pid, name]) => name.startsWith('workerd') && mine(pid)).map(([pid]) => pid);
}

const serverUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `keymint_warmcpu_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${name}`);
let worker: Unstable_DevWorker | undefined;
try {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 1 });
  let client: { clientId: string; clientSecret: string };
  try {
    await migrate(database, readMigrations());
    const now = new Date();
    const actor = operatorActor('warm-cpu');
    const org = await createOrg(database.db, now, actor, { slug: 'warm', name: 'Warm CPU' });
    const { key, secret } = await createKey(
      { db: database.db, now, catalog: BUILTIN_SCOPE_CATALOG, actor },
      org.id,
      { name: 'warm', scopes: ['read:*'], expiresIn: '30d' },
    );
    client = { clientId: key.clientId, clientSecret: secret };
  } finally {
    await database.close();
  }

  const issuer = 'https://issuer.keymint.test';
  process.env.WRANGLER_SEND_METRICS = 'false';
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
  process.env.XDG_CONFIG_HOME = join(ROOT, '.wrangler/config');
  worker = await unstable_dev(join(ROOT, 'src/entry/worker.ts'), {
    config: join(ROOT, 'wrangler.toml'),
    vars: {
      DATABASE_URL: url.toString(),
      KEYMINT_KEK: generateKekBase64(),
      ISSUER_URL: issuer,
      SIGNING_ALG: 'ES256',
    },
    ip: '127.0.0.1',
    logLevel: 'warn',
    experimental: { disableExperimentalWarning: true, testMode: true },
  });
  // Every workerd process wrangler runs (the Worker's, and its dev proxy's), looked up once
  // requests flow (the Worker's own starts after the proxy): all of their CPU counts.
  let pids: number[] = [];
  const cpuNow = () => pids.reduce((n, pid) => n + cpuSeconds(pid), 0);

  const token = () =>
    worker?.fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${btoa(`${client.clientId}:${client.clientSecret}`)}`,
        'content-type': 'application/x-www-form-urlencoded',
        'cf-connecting-ip': '203.0.113.7',
      },
      body: 'grant_type=client_credentials',
    });
  const jwks = () => worker?.fetch(`${issuer}/.well-known/jwks.json`);

  const measure = async (label: string, send: typeof token) => {
    for (let i = 0; i < 30; i++) {
      const res = await send();
      if (res?.status !== 200) throw new Error(`${label} answered ${res?.status}: ${await res?.text()}`);
      await res.arrayBuffer();
    }
    pids = workerdPids();
    const before = cpuNow();
    const t0 = performance.now();
    for (let i = 0; i < REQUESTS; i++) await (await send())?.arrayBuffer();
    const ms = performance.now() - t0;
    const cpu = ((cpuNow() - before) * 1e6) / REQUESTS;
    console.log(
      `${label.padEnd(22)} workerd CPU ${Math.round(cpu).toString().padStart(6)} µs/request, ` +
        `${(ms / REQUESTS).toFixed(2)} ms/request wall (${REQUESTS} sequential, warm isolate)`,
    );
  };
  console.log(`keymint Worker in workerd (${ROOT}), ES256, PostgreSQL without a pooler`);
  await measure('POST /token', token);
  await measure('GET /.well-known/jwks', jwks);
} finally {
  await worker?.stop();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
