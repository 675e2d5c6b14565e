import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { runCli, spawnCli } from '../helpers/run-cli';
import { serveProcess, tokenRequest } from '../helpers/served-process';
import { createFaultDatabase, type FaultDatabase } from './fault-db';

// kill -9 in the middle of work that must stay consistent: key creation racing for the
// last slots under the active-key limit, and forced signing-key rotations. On
// PostgreSQL and on the embedded database, which has to recover its own files.
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

interface Backend {
  name: string;
  env: Record<string, string>;
  cwd: string;
}

async function backends(): Promise<Backend[]> {
  const db: FaultDatabase = await createFaultDatabase();
  const pgCwd = mkdtempSync(join(tmpdir(), 'keymint-crash-pg-'));
  const liteCwd = mkdtempSync(join(tmpdir(), 'keymint-crash-lite-'));
  cleanups.push(async () => {
    await db.drop();
    rmSync(pgCwd, { recursive: true, force: true });
    rmSync(liteCwd, { recursive: true, force: true });
  });
  return [
    { name: 'PostgreSQL', cwd: pgCwd, env: { DATABASE_URL: db.url, KEYMINT_KEK: generateKekBase64() } },
    {
      name: 'PGlite',
      cwd: liteCwd,
      env: { DATABASE_URL: 'pglite://./data', KEYMINT_KEK: generateKekBase64() },
    },
  ];
}
const all = backends();

async function cli(b: Backend, args: string[]) {
  const r = await runCli(args, { cwd: b.cwd, env: b.env });
  if (r.code !== 0) throw new Error(`keymint ${args.join(' ')} → ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Always on the same `port`: the bearer token fetched before a kill stays valid after the restart. */
async function serve(b: Backend, port: number): Promise<ChildProcess> {
  return (await serveProcess(b.cwd, b.env, /keymint listening/, port)).child;
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

describe.each(['PostgreSQL', 'PGlite'])('kill -9 on %s', (name) => {
  const backend = async () => (await all).find((b) => b.name === name) as Backend;
  it('during 40 concurrent creates racing for the active-key limit: never more than 10, nothing acknowledged lost', async () => {
    const b = await backend();
    await cli(b, ['org', 'create', 'race', '--max-active-keys', '10']);
    const caller = JSON.parse(
      await cli(b, [
        'key',
        'create',
        '--org',
        'race',
        '--name',
        'caller',
        '--scope',
        'read:keys',
        '--scope',
        'write:keys',
        '--json',
      ]),
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let server = await serve(b, port);
    const tokenRes = await fetch(`${base}/token`, tokenRequest(caller));
    const token = (await tokenRes.json()).access_token as string;
    const acknowledged: string[] = [];
    const creates = Array.from({ length: 40 }, (_, i) =>
      fetch(`${base}/api/v1/orgs/race/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `racer ${i}`, scopes: ['read:keys'] }),
      }).then(
        async (res) => {
          if (res.status === 201) acknowledged.push((await res.json()).id);
        },
        () => {}, // cut off by the kill
      ),
    );
    // Kill it mid-storm: once the first creates are acknowledged, others are in flight.
    for (let i = 0; i < 500 && acknowledged.length < 3; i++) await new Promise((r) => setTimeout(r, 5));
    await killed(server);
    await Promise.all(creates);

    server = await serve(b, port);
    try {
      const list = await fetch(`${base}/api/v1/orgs/race/keys?status=all&limit=100`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(list.status).toBe(200);
      const items = (await list.json()).items as { id: string; status: string }[];
      const held = items.filter((k) => k.status === 'active' || k.status === 'disabled');
      console.log(
        `${b.name}: ${acknowledged.length} creates acknowledged before kill -9; ${held.length} keys held after restart`,
      );
      expect(held.length).toBeLessThanOrEqual(10);
      for (const id of acknowledged) expect(items.map((k) => k.id)).toContain(id);
    } finally {
      await killed(server);
    }
  });

  it('during forced signing-key rotations: always one current key and one pre-published next key', async () => {
    const b = await backend();
    for (let round = 0; round < 6; round++) {
      const child = spawnCli(['signing-keys', 'rotate', '--now'], { cwd: b.cwd, env: b.env });
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1500));
      await killed(child);
      const keys = JSON.parse(await cli(b, ['signing-keys', 'list', '--json'])).items as { state: string }[];
      const count = (state: string) => keys.filter((k) => k.state === state).length;
      expect(count('current'), `${b.name} round ${round}`).toBe(1);
      expect(count('next'), `${b.name} round ${round}`).toBe(1);
    }
  });
});
