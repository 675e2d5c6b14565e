import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../helpers/free-port';
import { runCli, spawnCli } from '../helpers/run-cli';

// Each test runs real processes one after another; starting Node and PGlite is
// most of the time, and on a loaded host a sequence of them can pass the default 30 s.
vi.setConfig({ testTimeout: 120_000 });

// `npm start` on a fresh directory: the embedded PGlite database and its lock. This is
// about PGlite itself, so it runs on PGlite whatever TEST_DATABASE_URL says.
let cwd: string;
let port: number;
let env: Record<string, string>;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-serve-'));
  port = await freePort();
  env = { PORT: String(port), HOST: '127.0.0.1' };
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function startServer() {
  const child = spawnCli(['serve'], { cwd, env });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return { child, exited, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`serve exited early: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not become healthy: ${stderr}`);
}

const jwksKids = async () =>
  (
    (await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    }
  ).keys
    .map((k) => k.kid)
    .sort();

/** Signs in on the console's page as a browser would; returns where it is sent next. */
async function signInThroughConsole(email: string, password: string): Promise<string | null> {
  const page = await fetch(`http://127.0.0.1:${port}/console/sign-in`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Sign in');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(`http://127.0.0.1:${port}/console/sign-in`, {
    method: 'POST',
    headers: { cookie: (page.headers.get('set-cookie') ?? '').split(';')[0] as string },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers.get('location');
}

describe('keymint serve on the embedded database', () => {
  let firstKids: string[];

  it('starts from nothing: database, KEK and signing keys, and answers health checks', async () => {
    const server = await startServer();
    try {
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(existsSync(join(cwd, 'data'))).toBe(true);
      expect(readFileSync(join(cwd, 'keys/kek'), 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      firstKids = await jwksKids();
      expect(firstKids).toHaveLength(2); // current + pre-published next

      // While it runs, nobody else may open the directory: not the CLI, not a second server.
      const cli = await runCli(['key', 'list', '--org', 'acme'], { cwd, env });
      expect(cli.code).toBe(1);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).toMatch(/held by "keymint serve" \(pid \d+/);
      const second = await runCli(['serve'], { cwd, env: { ...env, PORT: String(await freePort()) } });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/held by "keymint serve"/);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(existsSync(join(cwd, 'data.lock'))).toBe(false);
  });

  it('lets the CLI in once the server stopped, and reuses keys on the next start', async () => {
    const org = await runCli(['org', 'create', 'acme'], { cwd, env });
    expect(org.code).toBe(0);
    const user = await runCli(
      ['user', 'create', '--org', 'acme', '--email', 'ops@acme.test', '--role', 'admin', '--password-stdin'],
      { cwd, env, stdin: 'a long enough password\n' },
    );
    expect(user.code).toBe(0);
    const server = await startServer();
    try {
      expect(await jwksKids()).toEqual(firstKids);
      // The built server renders the console's pages and checks passwords on its bcrypt thread.
      expect(await signInThroughConsole('ops@acme.test', 'a long enough password')).toBe('/console');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('takes over a lock left by a process that died', async () => {
    const server = await startServer();
    server.child.kill('SIGKILL');
    await server.exited;
    expect(existsSync(join(cwd, 'data.lock'))).toBe(true);
    const r = await runCli(['key', 'list', '--org', 'acme', '--json'], { cwd, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('refuses to start with a bad setting, naming it in one line', async () => {
    const r = await runCli(['serve'], { cwd, env: { ...env, TOKEN_TTL_SECONDS: '5' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/TOKEN_TTL_SECONDS/);
  });
});
