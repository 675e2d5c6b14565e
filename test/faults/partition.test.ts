import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { basicAuth } from '../helpers/oauth-client';
import { runCli, spawnCli } from '../helpers/run-cli';
import { createFaultDatabase, type FaultDatabase } from './fault-db';
import { type FreezingProxy, startFreezingProxy } from './freezing-proxy';

// The database behind a network partition: connections neither refused nor answered.
// Every request is still answered within 5 s, and the server recovers on its own.
let db: FaultDatabase;
let proxy: FreezingProxy;
let cwd: string;
let base: string;
let server: ChildProcess;
let log = '';
let key: { clientId: string; clientSecret: string };

beforeAll(async () => {
  db = await createFaultDatabase();
  const direct = new URL(db.url);
  proxy = await startFreezingProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  cwd = mkdtempSync(join(tmpdir(), 'keymint-partition-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = { DATABASE_URL: viaProxy.toString(), KEYMINT_KEK: generateKekBase64(), PORT: String(port) };
  expect((await runCli(['org', 'create', 'acme'], { cwd, env })).code).toBe(0);
  const created = await runCli(
    ['key', 'create', '--org', 'acme', '--name', 'ci', '--scope', '*:*', '--json'],
    {
      cwd,
      env,
    },
  );
  key = JSON.parse(created.stdout);
  server = spawnCli(['serve'], { cwd, env });
  server.stderr?.on('data', (d) => {
    log += d;
  });
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`keymint serve did not start:\n${log}`);
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await proxy?.close();
  await db?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

const tokenRequest = (): RequestInit => ({
  method: 'POST',
  headers: {
    authorization: basicAuth(key.clientId, key.clientSecret),
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'grant_type=client_credentials',
});

async function timed(path: string, init: RequestInit = {}) {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, init);
  await res.text();
  return {
    status: res.status,
    ms: Math.round(performance.now() - started),
    retryAfter: res.headers.get('retry-after'),
  };
}

describe('a database that stops answering', () => {
  it('answers every request within 5 s, 503 where it needs the database, and recovers', async () => {
    expect((await timed('/token', tokenRequest())).status).toBe(200);
    proxy.freeze();
    const [tokens, readyz, jwks, healthz] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => timed('/token', tokenRequest()))),
      timed('/readyz'),
      timed('/.well-known/jwks.json'),
      timed('/healthz'),
    ]);
    const slowest = Math.max(...tokens.map((t) => t.ms));
    console.log(
      `partition: 20 concurrent /token → ${[...new Set(tokens.map((t) => t.status))].join(',')}, slowest ${slowest} ms; ` +
        `/readyz ${readyz.status} in ${readyz.ms} ms; JWKS ${jwks.status} in ${jwks.ms} ms; /healthz ${healthz.status}`,
    );
    for (const t of tokens) {
      expect(t.status).toBe(503);
      expect(t.retryAfter).toBe('5');
      expect(t.ms).toBeLessThan(5000);
    }
    expect(readyz.status).toBe(503);
    expect(jwks.status).toBe(200);
    expect(healthz.status).toBe(200);

    proxy.thaw();
    const thawed = performance.now();
    let status = 0;
    for (let i = 0; i < 300 && status !== 200; i++) {
      status = (await timed('/token', tokenRequest())).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`partition healed: /token 200 again after ${Math.round(performance.now() - thawed)} ms`);
    expect(status).toBe(200);
  }, 120_000);
});
