import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { startTestServer } from '../helpers/listening-server';
import { runCli, runMain } from '../helpers/run-cli';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

// The CLI runs in this process through main(argv, io), in a scratch directory, with its
// streams captured: the binary's code without a process start per command. On PostgreSQL
// (TEST_DATABASE_URL) every command opens the test's schema by DATABASE_URL, as the binary
// does; on PGlite every command is handed the test's open database. One test runs the
// compiled binary itself (test/cli/serve.test.ts has the rest: the data-dir lock, signals).
let cwd: string;
let testDb: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-cli-'));
  testDb = await openTestDatabase();
  env = testDb.url ? { DATABASE_URL: testDb.url } : {};
});
afterAll(async () => {
  await testDb?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], o: { stdin?: string; env?: Record<string, string> } = {}) =>
  runMain(args, {
    ...o,
    cwd,
    env: { ...env, ...o.env },
    ...(testDb.url ? {} : { database: testDb.database }),
  });
const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};

describe('org and key commands', () => {
  let clientId: string;

  it('creates an organisation and prints the API object with --json', async () => {
    const r = await cli(['org', 'create', 'acme', '--name', 'Acme Corp', '--max-active-keys', '5', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const org = JSON.parse(r.stdout);
    expect(org).toEqual({
      id: expect.stringMatching(/^org_/),
      slug: 'acme',
      name: 'Acme Corp',
      maxActiveKeys: 5,
      createdAt: expect.any(String),
    });
  });

  it('creates a key, showing the secret once', async () => {
    const r = await cli([
      'key',
      'create',
      '--org',
      'acme',
      '--name',
      'ci',
      '--scope',
      'read:subjects',
      '--scope',
      'read:keys',
      '--ttl',
      '600',
      '--allow-ip',
      '10.0.0.0/8',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const key = JSON.parse(r.stdout);
    expect(key).toMatchObject({
      name: 'ci',
      clientId: expect.stringMatching(/^km_[0-9A-Za-z]{22}$/),
      clientSecret: expect.stringMatching(/^kms_[0-9A-Za-z]{49}$/),
      scopes: ['read:subjects', 'read:keys'],
      allowedCidrs: ['10.0.0.0/8'],
      tokenTtlSeconds: 600,
      status: 'active',
      createdBy: 'cli',
    });
    expect(Date.parse(key.expiresAt) - Date.parse(key.createdAt)).toBe(90 * 86_400_000);
    clientId = key.clientId;

    const human = await cli([
      'key',
      'create',
      '--org',
      'acme',
      '--name',
      'deploy',
      '--scope',
      'read:*',
      '--expires-in',
      'never',
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/client_id: +km_/);
    expect(human.stdout).toMatch(/client_secret: +kms_/);
    expect(human.stdout).toContain('expires:       never');
  });

  it('lists keys without secrets', async () => {
    const r = await cli(['key', 'list', '--org', 'acme', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.nextCursor).toBeNull();
    expect(list.items.map((k: { name: string }) => k.name).sort()).toEqual(['ci', 'deploy']);
    expect(r.stdout).not.toContain('clientSecret');
    expect(r.stdout).not.toMatch(/kms_[0-9A-Za-z]{49}/);
  });

  it('rotates and revokes by clientId', async () => {
    const rotated = await cli(['key', 'rotate', clientId, '--org', 'acme', '--grace-period', '60', '--json']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({
      clientId,
      clientSecret: expect.stringMatching(/^kms_/),
      rotatedAt: expect.any(String),
    });
    const revoked = await cli(['key', 'revoke', clientId, '--org', 'acme', '--json']);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ clientId, status: 'revoked' });
    const listed = JSON.parse(
      (await cli(['key', 'list', '--org', 'acme', '--status', 'revoked', '--json'])).stdout,
    );
    expect(listed.items.map((k: { clientId: string }) => k.clientId)).toEqual([clientId]);
  });

  it('explains every mistake in one line on stderr with a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['key', 'create', '--org', 'acme', '--name', 'x'], 2, /--scope/],
      [
        ['key', 'create', '--org', 'nope', '--name', 'x', '--scope', 'read:keys'],
        1,
        /no organisation "nope"/,
      ],
      [
        ['key', 'create', '--org', 'acme', '--name', 'x', '--scope', 'read:keys', '--expires-in', '7d'],
        1,
        /expiresIn: must be one of 30d/,
      ],
      [['key', 'create', '--org', 'acme', '--name', 'x', '--scope', 'fly:planes'], 1, /not action:resource/],
      [
        ['key', 'create', '--org', 'acme', '--name', 'x', '--scope', 'read:keys', '--ttl', 'ten'],
        2,
        /--ttl must be a whole number/,
      ],
      [
        ['key', 'rotate', 'km_0000000000000000000000', '--org', 'acme'],
        1,
        /no key "km_0000000000000000000000"/,
      ],
      [['key', 'list', '--org', 'acme', '--bogus'], 2, /bogus/],
      [['key', 'frobnicate'], 2, /unknown key command/],
      [['org', 'create', 'Bad Slug'], 1, /slug/],
      [['org', 'create', 'acme'], 1, /already exists/],
      [['nonsense'], 2, /unknown command "nonsense"/],
    ];
    for (const [args, code, message] of cases) {
      const r = await cli(args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(oneLine(r.stderr)).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('refuses a bad setting naming the variable', async () => {
    const r = await cli(['key', 'list', '--org', 'acme'], { env: { SIGNING_ALG: 'HS256' } });
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/SIGNING_ALG/);
  });

  it('holds the active-key limit', async () => {
    for (let i = 0; i < 4; i++) {
      expect(
        (await cli(['key', 'create', '--org', 'acme', '--name', `k${i}`, '--scope', 'read:keys'])).code,
      ).toBe(0);
    }
    const over = await cli([
      'key',
      'create',
      '--org',
      'acme',
      '--name',
      'one too many',
      '--scope',
      'read:keys',
    ]);
    expect(over.code).toBe(1);
    expect(oneLine(over.stderr)).toMatch(/limit 5/);
  });
});

describe('user create', () => {
  it('creates a user from a password on stdin, refusing weak passwords and unknown roles', async () => {
    const r = await cli(
      [
        'user',
        'create',
        '--org',
        'acme',
        '--email',
        'Ops@Acme.test',
        '--role',
        'admin',
        '--password-stdin',
        '--json',
      ],
      { stdin: 'a long enough password\n' },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      email: 'ops@acme.test',
      role: 'admin',
      org: { slug: 'acme' },
    });
    const weak = await cli(
      ['user', 'create', '--org', 'acme', '--email', 'x@acme.test', '--role', 'admin', '--password-stdin'],
      { stdin: 'short\n' },
    );
    expect(weak.code).toBe(1);
    expect(oneLine(weak.stderr)).toMatch(/password: must be at least 10 characters/);
    const role = await cli(
      ['user', 'create', '--org', 'acme', '--email', 'y@acme.test', '--role', 'owner', '--password-stdin'],
      { stdin: 'a long enough password\n' },
    );
    expect(oneLine(role.stderr)).toMatch(/role: must be admin or viewer/);
    const noStdin = await cli([
      'user',
      'create',
      '--org',
      'acme',
      '--email',
      'y@acme.test',
      '--role',
      'viewer',
    ]);
    expect(noStdin.code).toBe(2);
    expect(oneLine(noStdin.stderr)).toMatch(/--password-stdin/);
  });
});

describe('signing-keys', () => {
  it('lists the next and current keys, and rotates on demand', async () => {
    const before = JSON.parse((await cli(['signing-keys', 'list', '--json'])).stdout).items as {
      kid: string;
      state: string;
    }[];
    const next = before.find((k) => k.state === 'next');
    const current = before.find((k) => k.state === 'current');
    expect(next && current).toBeTruthy();
    const r = await cli(['signing-keys', 'rotate', '--now', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rotated).toEqual({ from: current?.kid, to: next?.kid });
    expect(out.items.find((k: { kid: string }) => k.kid === current?.kid).state).toBe('previous');
    // The KEK was generated on first use, readable by its owner only.
    expect(statSync(join(cwd, 'keys/kek')).mode & 0o777).toBe(0o600);
  });
});

describe('token', () => {
  // Through the compiled binary, as a CI step runs it: a real process, a real pipe on stdin.
  it('prints only the access token, reading the secret from stdin', async () => {
    const server = await startTestServer();
    try {
      const key = await server.newKey((await server.newOrg()).id, { scopes: ['read:subjects', 'read:keys'] });
      const r = await runCli(
        [
          'token',
          '--issuer',
          server.url,
          '--client-id',
          key.clientId,
          '--client-secret-stdin',
          '--scope',
          'read:keys',
        ],
        { cwd, stdin: `${key.secret}\n` },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const claims = JSON.parse(Buffer.from(r.stdout.split('.')[1] as string, 'base64url').toString());
      expect(claims).toMatchObject({ client_id: key.clientId, scope: 'read:keys' });
      // A client of /token: it opened no embedded database in its directory.
      expect(existsSync(join(cwd, 'data'))).toBe(false);

      const bad = await cli(
        ['token', '--issuer', server.url, '--client-id', key.clientId, '--client-secret-stdin'],
        // Well-formed (a typo is caught before sending: test/ci), but not this key's.
        { stdin: generateSecret() },
      );
      expect(bad.code).toBe(1);
      expect(oneLine(bad.stderr)).toMatch(/401 invalid_client/);
      expect(bad.stdout).toBe('');
    } finally {
      await server.close();
    }
  });

  it('needs the secret on stdin, never as an argument', async () => {
    const r = await cli(['token', '--issuer', 'http://127.0.0.1:9', '--client-id', 'km_x']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/--client-secret-stdin/);
  });
});

describe('serve', () => {
  it('serves until its caller stops it, telling a newcomer where to set up on stdout', async () => {
    // A database and directory of its own: no user yet, and signing keys under its own KEK.
    const own = await openTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'keymint-cli-serve-'));
    try {
      const port = await freePort();
      let health: number | undefined;
      const r = await runMain(['serve'], {
        cwd: dir,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          KEYMINT_KEK: generateKekBase64(),
          ...(own.url ? { DATABASE_URL: own.url } : {}),
        },
        ...(own.url ? {} : { database: own.database }),
        whileRunning: async () => {
          health = (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
        },
      });
      expect(r.code).toBe(0);
      expect(health).toBe(200);
      // The one-time set-up link goes to stdout; the log to stderr.
      expect(r.stdout).toMatch(/No user yet.*\n +http:\/\/localhost:\d+\/console\/setup\/\S+\n/);
      expect(r.stderr).toContain('"msg":"keymint listening"');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      await own.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
