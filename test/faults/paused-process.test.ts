import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keymintInstances, keymintState } from '../../src/db/schema/index';
import { freePort } from '../helpers/free-port';
import { basicAuth } from '../helpers/oauth-client';
import { runMain, spawnCli } from '../helpers/run-cli';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { faultServerUrl } from './fault-db';

// A real `keymint serve` on PostgreSQL, paused with SIGSTOP as a stalled VM or a long GC
// would pause it: it acknowledges nothing, so a revoke elsewhere is answered once its
// lease has lapsed, and when it wakes it must not answer from what it remembered.
let a: TestApp;
let serve: ChildProcess | undefined;
let base: string;
let cwd: string;
let org: { id: string; slug: string };

beforeAll(async () => {
  faultServerUrl(); // says what to set when there is no PostgreSQL server
  a = await createTestApp();
  org = await a.newOrg();
  cwd = mkdtempSync(join(tmpdir(), 'keymint-paused-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: a.testDb.url as string,
    KEYMINT_KEK: a.kek,
    PORT: String(port),
    ISSUER_URL: base,
  };
  serve = spawnCli(['serve'], { cwd, env });
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('keymint serve did not come up');
}, 60_000);
afterAll(async () => {
  if (serve && serve.exitCode === null) {
    serve.kill('SIGCONT');
    serve.kill('SIGKILL');
  }
  await a?.close();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

const token = (key: { clientId: string; secret: string }) =>
  fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(key.clientId, key.secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });

describe('a paused keymint process', () => {
  it('refuses a key revoked while it was paused, with the first request it answers after waking', async () => {
    const key = await a.newKey(org.id, { scopes: ['read:subjects'] });
    for (let i = 0; i < 3; i++) expect((await token(key)).status).toBe(200);

    serve?.kill('SIGSTOP');
    try {
      const r = await runMain(['key', 'revoke', key.id, '--org', org.slug], {
        cwd,
        env: { DATABASE_URL: a.testDb.url as string },
      });
      expect(r.code, r.stderr).toBe(0);
      // Answered without the sleeper's acknowledgement (its row still names an older change).
      const [state] = await a.deps.db.select().from(keymintState);
      const instances = await a.deps.db.select().from(keymintInstances);
      expect(instances).toHaveLength(1);
      expect(instances[0]?.ackedSeq).toBeLessThan(state?.changeSeq as number);
      // Sent while it sleeps; answered after it wakes.
      const pending = token(key);
      serve?.kill('SIGCONT');
      const res = await pending;
      expect(res.status).toBe(401);
      expect((await res.json()).error_description).toMatch(/^key revoked at/);
    } finally {
      serve?.kill('SIGCONT');
    }
  });
});
