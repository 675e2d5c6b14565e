import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../helpers/oauth-client';
import { runCli } from '../helpers/run-cli';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { acrossChange, tokenLoad } from '../instances/token-load';
import { faultServerUrl } from './fault-db';

// The compiled CLI, a process of its own on PostgreSQL, revokes a key while instance B
// issues tokens for it from memory: the command exits only once B has dropped the key
// (the in-process cases, on both databases: test/instances/cli-changes.test.ts).
let a: TestApp;
let b: SecondInstance;
let org: { id: string; slug: string };
let cwd: string;

beforeAll(async () => {
  faultServerUrl(); // says what to set when there is no PostgreSQL server
  a = await createTestApp();
  b = await startSecondInstance(a);
  org = await a.newOrg(undefined, 100);
  cwd = mkdtempSync(join(tmpdir(), 'keymint-cli-process-'));
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

let requests = 0;
const tokenOnB = (key: { clientId: string; secret: string }) => {
  const n = ++requests;
  return requestToken(b.app, key, {}, { ip: `10.1.${(n >> 8) & 255}.${n & 255}` });
};

describe('a key revoked by the keymint binary while another instance issues tokens', () => {
  it('gets no token from that instance once the command has exited', async () => {
    const key = await a.newKey(org.id, { scopes: ['read:subjects'] });
    const { after, all } = await acrossChange(
      tokenLoad(() => tokenOnB(key)),
      async () => {
        expect(b.deps.keyCache.size().entries).toBeGreaterThan(0);
        const r = await runCli(['key', 'revoke', key.id, '--org', org.slug], {
          cwd,
          env: { DATABASE_URL: a.testDb.url as string },
        });
        expect(r.code, r.stderr).toBe(0);
      },
    );
    expect(all.some((x) => x.status === 200)).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(60);
    expect(after.filter((x) => x.status !== 401)).toEqual([]);
  });
});
