import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { startTestServer } from '../helpers/listening-server';
import { runCli, runMain } from '../helpers/run-cli';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

// Start-up failures under real conditions, each told as what to do: a port another
// socket holds, a database name the local PostgreSQL does not have, a role it refuses,
// a port nobody listens on. Never "unexpected error".
vi.setConfig({ testTimeout: 120_000 });

// One KEK for the whole file: signing keys made under it stay readable by every start.
const KEK = generateKekBase64();
let cwd: string;
let testDb: TestDatabase;
let held: Server;
let heldPort: number;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-startup-'));
  testDb = await openTestDatabase();
  held = createServer();
  await new Promise<void>((r) => held.listen(0, '127.0.0.1', () => r()));
  heldPort = (held.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => held?.close(() => r()));
  await testDb?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};
const lastLine = (s: string) => s.trim().split('\n').at(-1) as string;

describe('a port another process holds', () => {
  it('serve says which port and how to choose another, and leaves nothing running', async () => {
    const r = await runMain(['serve'], {
      cwd,
      env: { PORT: String(heldPort), HOST: '127.0.0.1', KEYMINT_KEK: KEK },
      database: testDb.database,
    });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toBe(
      `keymint serve: port ${heldPort} is in use: stop the other process or set PORT=<a free port> (e.g. PORT=${heldPort + 1})`,
    );
    expect(r.stderr).not.toContain('unexpected error');
  });

  it('the gateway alone says the same of its --port', async () => {
    // A real issuer: the gateway reads its metadata before it listens.
    const issuer = await startTestServer();
    const r = await runMain(
      [
        'gateway',
        '--issuer',
        issuer.url,
        '--upstream',
        'http://127.0.0.1:1',
        '--port',
        String(heldPort),
        '--json',
      ],
      {
        cwd,
      },
    ).finally(() => issuer.close());
    expect(r.code).toBe(1);
    expect(JSON.parse(lastLine(r.stderr))).toEqual({
      error: {
        code: 'port-in-use',
        message: `port ${heldPort} is in use: stop the other process or choose a free port with --port`,
      },
    });
  });

  it('the built binary exits 1 with the same line, as `npm start` shows it', async () => {
    const r = await runCli(['serve'], {
      cwd,
      env: { PORT: String(heldPort), HOST: '127.0.0.1', DATABASE_URL: 'memory://' },
    });
    expect(r.code).toBe(1);
    expect(lastLine(r.stderr)).toMatch(new RegExp(`^keymint serve: port ${heldPort} is in use: .*set PORT=`));
  });
});

describe('a database that cannot be reached', () => {
  it('names the address and asks whether PostgreSQL runs, for serve and every database command', async () => {
    const port = await freePort();
    const url = `postgres://keymint:hunter2@127.0.0.1:${port}/keymint`;
    const expected = `cannot reach the database at 127.0.0.1:${port}: is PostgreSQL running, and is DATABASE_URL right?`;
    const serve = await runMain(['serve'], {
      cwd,
      env: { DATABASE_URL: url, PORT: String(await freePort()), KEYMINT_KEK: KEK },
    });
    expect(serve.code).toBe(1);
    expect(lastLine(serve.stderr)).toBe(`keymint serve: ${expected}`);
    expect(serve.stderr).not.toContain('hunter2');
    for (const args of [['migrate'], ['org', 'list'], ['key', 'list', '--org', 'acme']]) {
      const r = await runMain(args, { cwd, env: { DATABASE_URL: url } });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(`keymint ${args.slice(0, 2).join(' ')}: ${expected}`);
    }
  });
});

describe('the settings a server starts with', () => {
  it('are logged once, each with its value and origin, never a secret; misspelt ones are warned about', async () => {
    const kek = KEK;
    const port = await freePort();
    const r = await runMain(['serve'], {
      cwd,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        KEYMINT_KEK: kek,
        // The database is the test's (handed to the command); the URL is only reported.
        DATABASE_URL: 'postgres://keymint:hunter2@db.internal:5432/keymint',
        SIGNING_ALGO: 'ES256',
        KEYMINT_KEY: kek,
        HOME: '/home/ops',
      },
      database: testDb.database,
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { level: string; msg: string; [k: string]: unknown });
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toContain(kek);
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => [w.msg, w.variable, w.suggestion])).toEqual([
      [
        'KEYMINT_KEY is not a keymint setting and is ignored; did you mean KEYMINT_KEK?',
        'KEYMINT_KEY',
        'KEYMINT_KEK',
      ],
      [
        'SIGNING_ALGO is not a keymint setting and is ignored; did you mean SIGNING_ALG?',
        'SIGNING_ALGO',
        'SIGNING_ALG',
      ],
    ]);
    const logged = lines.filter((l) => l.msg === 'settings');
    expect(logged).toHaveLength(1);
    const settings = Object.fromEntries(
      ((logged[0]?.settings ?? []) as { name: string; value: string; from: string }[]).map((s) => [
        s.name,
        s,
      ]),
    );
    // Every setting, in the order of the contract's table.
    expect(Object.keys(settings)).toEqual(Object.keys(configSchema.in.shape));
    expect(settings.PORT).toEqual({ name: 'PORT', value: String(port), from: 'environment' });
    expect(settings.DATABASE_URL).toEqual({
      name: 'DATABASE_URL',
      value: 'postgres://keymint:***@db.internal:5432/keymint',
      from: 'environment',
    });
    expect(settings.KEYMINT_KEK).toEqual({
      name: 'KEYMINT_KEK',
      value: '(set; not shown)',
      from: 'environment',
    });
    expect(settings.SIGNING_ALG).toEqual({ name: 'SIGNING_ALG', value: 'RS256', from: 'default' });
    expect(settings.ISSUER_URL).toEqual({
      name: 'ISSUER_URL',
      value: `http://localhost:${port}`,
      from: 'default',
    });
    expect(settings.TOKEN_TTL_SECONDS).toEqual({ name: 'TOKEN_TTL_SECONDS', value: '300', from: 'default' });
  });
});
