import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../helpers/oauth-client';
import { runMain } from '../helpers/run-cli';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { acrossChange, tokenLoad } from './token-load';

// The CLI changes keys from its own process and connection (on PostgreSQL): it serves
// nothing itself, but its change is answered only once every serving instance has
// dropped what it remembered. B serves from memory under load meanwhile.
let a: TestApp;
let b: SecondInstance;
let org: { id: string; slug: string };
let cwd: string;

beforeAll(async () => {
  a = await createTestApp();
  b = await startSecondInstance(a);
  org = await a.newOrg(undefined, 100);
  cwd = mkdtempSync(join(tmpdir(), 'keymint-cli-changes-'));
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
  rmSync(cwd, { recursive: true, force: true });
});

const url = () => a.testDb.url;
/** `keymint <args>` in this process: its own connection on PostgreSQL, the shared PGlite otherwise. */
const cli = (args: string[]) =>
  runMain(args, {
    cwd,
    env: url() ? { DATABASE_URL: url() as string } : {},
    ...(url() ? {} : { database: a.testDb.database }),
  });

let requests = 0;
const tokenOnB = (key: { clientId: string; secret: string }) => {
  const n = ++requests;
  return requestToken(b.app, key, {}, { ip: `10.1.${(n >> 8) & 255}.${n & 255}` });
};

async function underLoad(change: (key: { id: string; clientId: string; secret: string }) => Promise<void>) {
  const key = await a.newKey(org.id, { scopes: ['read:subjects'] });
  const { after, all } = await acrossChange(
    tokenLoad(() => tokenOnB(key)),
    async () => {
      expect(b.deps.instance.current()).toBe(true);
      expect(b.deps.keyCache.size().entries).toBeGreaterThan(0);
      await change(key);
    },
  );
  expect(all.some((x) => x.status === 200)).toBe(true);
  expect(after.length).toBeGreaterThanOrEqual(60);
  return { key, after };
}

describe('keys changed by the CLI while B issues tokens', () => {
  it('key revoke (in process, its own connection): no token from B after the command returns', async () => {
    const { after } = await underLoad(async (key) => {
      const r = await cli(['key', 'revoke', key.id, '--org', org.slug]);
      expect(r.code, r.stderr).toBe(0);
    });
    expect(after.filter((x) => x.status !== 401)).toEqual([]);
  });

  it('key rotate (in process): the old secret gets no token from B after the command returns', async () => {
    let secret = '';
    const { key, after } = await underLoad(async (k) => {
      const r = await cli(['key', 'rotate', k.id, '--org', org.slug, '--json']);
      expect(r.code, r.stderr).toBe(0);
      secret = JSON.parse(r.stdout).clientSecret;
    });
    expect(after.filter((x) => x.status !== 401)).toEqual([]);
    expect((await tokenOnB({ clientId: key.clientId, secret })).status).toBe(200);
  });
});
