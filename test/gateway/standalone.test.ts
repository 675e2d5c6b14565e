import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { advanceSigningKeys } from '../../src/signing/lifecycle';
import { signingPolicy } from '../../src/signing/signing-policy';
import { api, bearer } from '../helpers/api-client';
import { freePort } from '../helpers/free-port';
import { startTestServer } from '../helpers/listening-server';
import { requestToken } from '../helpers/oauth-client';
import { runMain, spawnCli } from '../helpers/run-cli';
import type { TestApp } from '../helpers/test-app';
import {
  challenge,
  type Fetcher,
  gql,
  q,
  signWithCurrentKey,
  sleep,
  startRecordingUpstream,
} from './gateway-helpers';

// `keymint gateway --issuer URL --upstream URL --port n` as an operator runs it beside
// another service: a separate process that verifies through the issuer's JWKS alone.
let issuer: TestApp & { url: string };
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let cwd: string;
let orgId: string;
let token: string;
let key: { id: string; clientId: string; secret: string };
const running: ChildProcess[] = [];

interface Gateway {
  child: ChildProcess;
  fetcher: Fetcher;
  exited: Promise<number | null>;
  stderr: () => string;
}

async function startGateway(args: string[], env: Record<string, string> = {}): Promise<Gateway> {
  const port = await freePort();
  const child = spawnCli(['gateway', '--issuer', issuer.url, ...args, '--port', String(port)], {
    cwd,
    env: { HOST: '127.0.0.1', ...env },
  });
  running.push(child);
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const fetcher: Fetcher = { request: (path, init) => fetch(`${base}${path}`, init) };
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`keymint gateway exited early: ${stderr}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { child, fetcher, exited, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`keymint gateway did not start: ${stderr}`);
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-gateway-'));
  upstream = await startRecordingUpstream();
  issuer = await startTestServer();
  orgId = (await issuer.newOrg()).id;
  key = await issuer.newKey(orgId, { scopes: ['read:subjects', 'write:subjects'] });
  const res = await requestToken(issuer.app, key, { scope: 'read:subjects' });
  token = (await res.json()).access_token;
});
beforeEach(() => {
  upstream.requests.length = 0;
});
afterAll(async () => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  await upstream?.close();
  await issuer?.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('keymint gateway --issuer --upstream (no database)', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway(['--upstream', upstream.url]);
  });

  it('forwards a request bearing a token from the issuer', async () => {
    const res = await gql(gw.fetcher, token, q('{ subjects { id } }'));
    expect(res.status).toBe(200);
    expect((await res.json()).data).toEqual({ planets: [{ name: 'Mercury' }] });
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers.authorization).toBeUndefined();
    expect(upstream.requests[0]?.headers).toMatchObject({
      'x-keymint-org': orgId,
      'x-keymint-client': key.clientId,
      'x-keymint-scopes': 'read:subjects',
    });
  });

  it('refuses forged tokens, missing credentials and missing scopes without forwarding', async () => {
    const { kid } = decodeProtectedHeader(token);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(token))
      .setProtectedHeader({ alg: 'RS256', kid: kid as string, typ: 'at+jwt' })
      .sign(privateKey);
    const refused = await gql(gw.fetcher, forged, q('{ subjects { id } }'));
    expect(refused.status).toBe(401);
    expect(challenge(refused)?.params).toMatchObject({ realm: issuer.url, error: 'invalid_token' });

    const otherIssuer = await signWithCurrentKey(issuer, token, { claims: { iss: 'http://127.0.0.1:1' } });
    expect((await gql(gw.fetcher, otherIssuer, q('{ subjects { id } }'))).status).toBe(401);

    const none = await gql(gw.fetcher, undefined, q('{ subjects { id } }'));
    expect(none.status).toBe(401);
    expect(challenge(none)?.params).toEqual({ realm: issuer.url });

    const scope = await gql(gw.fetcher, token, q('mutation { createSubject(name: "x") { id } }'));
    expect(scope.status).toBe(403);
    // Upstream, the resource is the root field's name.
    expect(challenge(scope)?.params).toMatchObject({
      error: 'insufficient_scope',
      scope: 'write:createSubject',
    });

    const deep = await gql(gw.fetcher, token, q(`{ subjects ${'{ a '.repeat(10)}${'}'.repeat(10)} }`));
    expect(deep.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('verifies tokens of a signing key the issuer rotated to, without a restart', async () => {
    const kek = issuer.deps.kek;
    const r = await advanceSigningKeys(
      issuer.deps.db,
      kek,
      signingPolicy(issuer.config),
      issuer.clock.now(),
      {
        force: true,
      },
    );
    expect(r.rotated).toBeTruthy();
    await issuer.deps.keyset.refresh();
    const fresh = (await (await requestToken(issuer.app, key, { scope: 'read:subjects' })).json())
      .access_token as string;
    expect(decodeProtectedHeader(fresh).kid).toBe(r.rotated?.to);
    expect((await gql(gw.fetcher, fresh, q('{ subjects { id } }'))).status).toBe(200);
    // Tokens of the previous key stay good until they expire.
    expect((await gql(gw.fetcher, token, q('{ subjects { id } }'))).status).toBe(200);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    gw.child.kill('SIGTERM');
    expect(await gw.exited).toBe(0);
  });
});

// With a database: on PostgreSQL a separate process sharing the issuer's database; on
// PGlite (which one process owns) the same command in this process, handed the issuer's
// database, listening on its own port.
describe('keymint gateway with DATABASE_URL', () => {
  /** Waits for the gateway, then: the built-in schema answers, and a revoked key's token is refused within a second. */
  async function exercise(fetcher: Fetcher) {
    for (let i = 0; i < 300; i++) {
      const up = await Promise.resolve(fetcher.request('/healthz')).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await sleep(50);
    }
    const k = await issuer.newKey(orgId, { scopes: ['read:subjects'] });
    const t = (await (await requestToken(issuer.app, k)).json()).access_token as string;
    const ok = await gql(fetcher, t, q('{ subjects { id name } }'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { subjects: [] } });

    const admin = await bearer(issuer, orgId, ['write:keys', 'read:subjects']);
    expect((await api(issuer, 'POST', `/orgs/${orgId}/keys/${k.id}/revoke`, { token: admin })).status).toBe(
      200,
    );
    const started = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - started <= 1000) {
      await sleep(50);
      status = (await gql(fetcher, t, q('{ subjects { id } }'))).status;
    }
    expect(status).toBe(401);
  }

  it('serves the built-in schema and refuses a revoked key within one second', async () => {
    const url = issuer.testDb.url;
    if (url) {
      const gw = await startGateway([], { DATABASE_URL: url });
      try {
        await exercise(gw.fetcher);
      } finally {
        gw.child.kill('SIGTERM');
        expect(await gw.exited).toBe(0);
      }
      return;
    }
    const port = await freePort();
    const r = await runMain(['gateway', '--issuer', issuer.url, '--port', String(port)], {
      cwd,
      env: { HOST: '127.0.0.1', DATABASE_URL: 'pglite://./unused' },
      database: issuer.testDb.database,
      whileRunning: () =>
        exercise({ request: (path, init) => fetch(`http://127.0.0.1:${port}${path}`, init) }),
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
  });
});
