import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { runMain } from '../helpers/run-cli';
import { faultServerUrl } from './fault-db';

// Start-up against a real PostgreSQL server that says no: a database it does not have, a
// login it refuses. Each told as what to do, never "unexpected error" (the failures that
// need no server: test/cli/startup-errors.test.ts).
vi.setConfig({ testTimeout: 120_000 });

const KEK = generateKekBase64();
const cwd = mkdtempSync(join(tmpdir(), 'keymint-startup-pg-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};
const lastLine = (s: string) => s.trim().split('\n').at(-1) as string;

const withDatabaseName = (name: string) => {
  const u = new URL(faultServerUrl());
  u.pathname = `/${name}`;
  u.search = '';
  return u.toString();
};

describe('a PostgreSQL server that says no', () => {
  it('a database that does not exist: says how to create it', async () => {
    const name = `keymint_missing_${crypto.randomUUID().slice(0, 8)}`;
    const url = withDatabaseName(name);
    const { hostname, port, username } = new URL(url);
    const createdb = `createdb -h ${hostname}${port && port !== '5432' ? ` -p ${port}` : ''}${username ? ` -U ${username}` : ''} ${name}`;
    const expected = `database "${name}" does not exist on ${hostname}:${port || 5432}: create it with \`${createdb}\``;
    const serve = await runMain(['serve'], {
      cwd,
      env: { DATABASE_URL: url, PORT: String(await freePort()), KEYMINT_KEK: KEK },
    });
    expect(serve.code).toBe(1);
    expect(lastLine(serve.stderr)).toBe(`keymint serve: ${expected}`);
    const migrate = await runMain(['migrate', '--json'], { cwd, env: { DATABASE_URL: url } });
    expect(migrate.code).toBe(1);
    expect(JSON.parse(oneLine(migrate.stderr))).toEqual({
      error: { code: 'database-missing', message: expected },
    });
  });

  it('a login the server refuses: says so, naming the user', async () => {
    const u = new URL(withDatabaseName('postgres'));
    u.username = `nobody_${crypto.randomUUID().slice(0, 8)}`;
    u.password = 'wrong';
    const r = await runMain(['org', 'list', '--json'], { cwd, env: { DATABASE_URL: u.toString() } });
    expect(r.code).toBe(1);
    expect(JSON.parse(oneLine(r.stderr))).toEqual({
      error: {
        code: 'database-login-refused',
        message: `the database at ${u.hostname}:${u.port || 5432} refused the login of user "${u.username}": check the user and password in DATABASE_URL (and pg_hba.conf)`,
      },
    });
    expect(r.stderr).not.toContain('wrong@');
  });
});
