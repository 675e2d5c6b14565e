import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { serveProcess } from '../helpers/served-process';

vi.setConfig({ testTimeout: 120_000 });

// `keymint serve` sizes Node's thread pool, where it signs, before anything starts the
// pool: one thread for ES256 and EdDSA, Node's four for RS256, and always the operator's
// own UV_THREADPOOL_SIZE. What it chose is in the "keymint listening" line.
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function threadPoolOf(env: Record<string, string>): Promise<unknown> {
  const cwd = mkdtempSync(join(tmpdir(), 'keymint-pool-'));
  dirs.push(cwd);
  const served = await serveProcess(cwd, env, /keymint listening/);
  try {
    // It signs: the JWKS holds a key of the algorithm asked for.
    const jwks = (await (await fetch(`${served.base}/.well-known/jwks.json`)).json()) as {
      keys: { alg: string }[];
    };
    expect(jwks.keys.map((k) => k.alg)).toContain(env.SIGNING_ALG ?? 'RS256');
    const line = served
      .output()
      .split('\n')
      .find((l) => l.includes('"keymint listening"'));
    return JSON.parse(line ?? '{}').threadPool;
  } finally {
    served.child.kill('SIGTERM');
    await served.exited;
  }
}

describe("keymint serve's thread pool", () => {
  it('has one thread for ES256 and EdDSA, four for RS256, and what the operator set', async () => {
    expect(await threadPoolOf({ SIGNING_ALG: 'ES256' })).toBe(1);
    expect(await threadPoolOf({ SIGNING_ALG: 'EdDSA' })).toBe(1);
    expect(await threadPoolOf({})).toBe(4);
    expect(await threadPoolOf({ SIGNING_ALG: 'ES256', UV_THREADPOOL_SIZE: '3' })).toBe(3);
  });
});
