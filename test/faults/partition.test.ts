import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultDatabase, type FaultDatabase } from './fault-db';
import { type FreezingProxy, startFreezingProxy } from './freezing-proxy';
import { type KeymintProcess, startKeymintProcess } from './keymint-process';

// The database behind a network partition: connections neither refused nor answered.
// Every request is still answered within 5 s, and the server recovers on its own.
let db: FaultDatabase;
let proxy: FreezingProxy;
let k: KeymintProcess;

beforeAll(async () => {
  db = await createFaultDatabase();
  const direct = new URL(db.url);
  proxy = await startFreezingProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(db.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  k = await startKeymintProcess(viaProxy.toString());
}, 120_000);

afterAll(async () => {
  await k?.close();
  await proxy?.close();
  await db?.drop();
});

const tokenRequest = () => k.tokenRequest();

async function timed(path: string, init: RequestInit = {}) {
  const started = performance.now();
  const res = await fetch(`${k.base}${path}`, init);
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
    // Keys already proven here are served from memory until this instance's lease on the
    // change stream lapses (2 s): past it, every token needs the database.
    await new Promise((r) => setTimeout(r, 2300));
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
