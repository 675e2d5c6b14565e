import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/run-cli';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

// `keymint federation …` in this process through main(argv, io), on the test's database
// (handed over on PGlite, opened by DATABASE_URL on PostgreSQL), as cli.test.ts does.
const GITHUB = 'https://token.actions.githubusercontent.com';

let cwd: string;
let testDb: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-cli-fed-'));
  testDb = await openTestDatabase();
  env = {
    ISSUER_URL: 'https://keymint.acme.example',
    FEDERATION_ISSUERS: `${GITHUB},http://127.0.0.1:9`,
    ...(testDb.url ? { DATABASE_URL: testDb.url } : {}),
  };
  const org = await cli(['org', 'create', 'acme']);
  expect(org.code, org.stderr).toBe(0);
});
afterAll(async () => {
  await testDb?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

function cli(args: string[]) {
  return runMain(args, { cwd, env, ...(testDb.url ? {} : { database: testDb.database }) });
}

const CREATE = [
  'federation',
  'create',
  '--org',
  'acme',
  '--name',
  'deploy api',
  '--issuer',
  GITHUB,
  '--subject',
  'repo:acme/api:ref:refs/heads/main',
  '--claim',
  'repository_id=123456789',
  '--claim',
  'repository_owner_id=987654',
  '--claim',
  'job_workflow_ref=acme/ci/.github/workflows/deploy.yml@refs/heads/main',
  '--scope',
  'read:subjects',
  '--scope',
  'read:keys',
  '--ttl',
  '600',
];

const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};

describe('keymint federation', () => {
  let fed: Record<string, unknown> & { id: string; clientId: string };

  it('create --json prints the API’s federation object', async () => {
    const r = await cli([...CREATE, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    fed = JSON.parse(r.stdout);
    expect(fed).toEqual({
      id: expect.stringMatching(/^fed_/),
      name: 'deploy api',
      clientId: expect.stringMatching(/^kmf_[0-9A-Za-z]{22}$/),
      issuer: GITHUB,
      audience: 'https://keymint.acme.example',
      subject: 'repo:acme/api:ref:refs/heads/main',
      claims: {
        repository_id: '123456789',
        repository_owner_id: '987654',
        job_workflow_ref: 'acme/ci/.github/workflows/deploy.yml@refs/heads/main',
      },
      scopes: ['read:subjects', 'read:keys'],
      tokenTtlSeconds: 600,
      status: 'active',
      createdAt: expect.any(String),
      createdBy: 'cli',
      lastUsedAt: null,
    });
  });

  it('create without --json tells a person the client id and that there is no secret', async () => {
    const r = await cli([
      ...CREATE.filter((a) => a !== 'deploy api').map((a) => (a === '--name' ? '--name=second' : a)),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Created federation "second" \(fed_\w+\) in acme$/m);
    expect(r.stdout).toMatch(/client_id: +kmf_[0-9A-Za-z]{22}/);
    expect(r.stdout).toContain('No secret');
    expect(r.stdout).toContain('https://keymint.acme.example/token');
  });

  it('list shows every federation; --json is the API’s list', async () => {
    const r = await cli(['federation', 'list', '--org', 'acme']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID +NAME +CLIENT ID +ISSUER/);
    expect(r.stdout).toContain(fed.clientId);
    expect(r.stdout).toContain('repository_id=123456789');
    const json = await cli(['federation', 'list', '--org', 'acme', '--json']);
    const body = JSON.parse(json.stdout);
    expect(body.nextCursor).toBeNull();
    expect(body.items.map((f: { name: string }) => f.name)).toEqual(['second', 'deploy api']);
    expect(body.items[1]).toEqual(fed);
  });

  it('show finds it by id or clientId', async () => {
    for (const ref of [fed.id, fed.clientId]) {
      const r = await cli(['federation', 'show', ref, '--org', 'acme', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual(fed);
    }
    const human = await cli(['federation', 'show', fed.clientId, '--org', 'acme']);
    expect(human.stdout).toContain('subject:    repo:acme/api:ref:refs/heads/main');
  });

  it('disable, enable, revoke, then delete', async () => {
    const disabled = await cli(['federation', 'disable', fed.clientId, '--org', 'acme', '--json']);
    expect(JSON.parse(disabled.stdout).status).toBe('disabled');
    const enabled = await cli(['federation', 'enable', fed.id, '--org', 'acme']);
    expect(oneLine(enabled.stdout)).toBe(`Federation "deploy api" (${fed.clientId}) is active`);
    const early = await cli(['federation', 'delete', fed.id, '--org', 'acme']);
    expect(early.code).toBe(1);
    expect(oneLine(early.stderr)).toBe(
      `keymint federation delete: federation ${fed.clientId} is active; revoke it before deleting it`,
    );
    const revoked = await cli(['federation', 'revoke', fed.id, '--org', 'acme', '--json']);
    expect(revoked.code).toBe(0);
    expect(JSON.parse(revoked.stdout)).toEqual({ ...fed, status: 'revoked' });
    const deleted = await cli(['federation', 'delete', fed.id, '--org', 'acme']);
    expect(deleted.code).toBe(0);
    expect(oneLine(deleted.stdout)).toMatch(/^Deleted federation fed_/);
    const gone = await cli(['federation', 'show', fed.id, '--org', 'acme']);
    expect(gone.code).toBe(1);
    expect(oneLine(gone.stderr)).toMatch(/no federation/);
    const list = JSON.parse((await cli(['federation', 'list', '--org', 'acme', '--json'])).stdout);
    expect(list.items.map((f: { id: string }) => f.id)).not.toContain(fed.id);
  });

  it('refuses a policy that breaks a rule, with one line naming what to fix, and creates nothing', async () => {
    const before = (await cli(['federation', 'list', '--org', 'acme', '--json'])).stdout;
    const cases: [string[], RegExp][] = [
      [['--issuer', 'https://gitlab.com'], /issuer: is not an issuer this server trusts/],
      [['--claim', 'repository_id=acme/api'], /claims\.repository_id: must be a numeric id/],
      [['--subject', '*:*'], /subject: is only wildcards/],
      [['--audience', 'https://github.com/acme'], /audience: GitHub’s default audience/],
      [['--scope', 'read:planets'], /scopes\[2\]: "read:planets" matches no scope/],
      [['--ttl', '30'], /tokenTtlSeconds: must be a whole number of seconds from 60 to 3600/],
    ];
    for (const [change, message] of cases) {
      const args = [...CREATE];
      const flag = change[0] as string;
      const at = args.indexOf(flag);
      if (flag === '--claim' || flag === '--scope' || at < 0) args.push(...change);
      else args.splice(at, 2, ...change);
      if (flag === '--claim') args.splice(args.indexOf('repository_id=123456789') - 1, 2);
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/^keymint federation create: /);
      expect(r.stderr).toMatch(message);
    }
    const withoutOwner = [...CREATE];
    withoutOwner.splice(withoutOwner.indexOf('repository_owner_id=987654') - 1, 2);
    const githubPins = await cli(withoutOwner);
    expect(githubPins.code).toBe(1);
    expect(githubPins.stderr).toMatch(/claims\.repository_owner_id: is required for GitHub/);
    expect((await cli(['federation', 'list', '--org', 'acme', '--json'])).stdout).toBe(before);
  });

  it('refuses misuse with exit code 2 and the usage', async () => {
    for (const [args, message] of [
      [
        ['federation', 'create', '--org', 'acme', '--name', 'x', '--scope', 'read:keys'],
        /--issuer is required/,
      ],
      [['federation', 'create', '--org', 'acme', '--name', 'x', '--issuer', GITHUB], /at least one --scope/],
      [[...CREATE, '--claim', 'noequals'], /--claim takes name=value/],
      [
        [...CREATE, '--claim', 'ref=refs/heads/a', '--claim', 'ref=refs/heads/b'],
        /--claim ref is given twice/,
      ],
      [['federation', 'show', '--org', 'acme'], /<federation> is required/],
      [['federation', 'rename', 'x', '--org', 'acme'], /unknown federation command "rename"/],
      [['federation', 'list'], /--org is required/],
      [['federation', 'list', '--org', 'acme', '--bogus'], /Unknown option '--bogus'/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r.stderr)).toMatch(message);
    }
  });

  it('an unknown organisation or federation is a refusal (exit 1)', async () => {
    const org = await cli(['federation', 'list', '--org', 'nope']);
    expect(org.code).toBe(1);
    expect(oneLine(org.stderr)).toMatch(/no organisation "nope"/);
    const f = await cli(['federation', 'revoke', 'kmf_0000000000000000000000', '--org', 'acme']);
    expect(f.code).toBe(1);
    expect(oneLine(f.stderr)).toMatch(/no federation "kmf_0000000000000000000000"/);
  });

  it('--help prints the usage and exits 0; keymint --help lists the federation commands', async () => {
    const r = await cli(['federation', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('keymint federation create --org <slug>');
    expect(r.stdout).toContain('repository_owner_id');
    const sub = await cli(['federation', 'create', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/^usage: keymint federation create/);
    const top = await cli(['--help']);
    expect(top.stdout).toMatch(/federation create +--org <slug> --name <name> --issuer <url>/);
  });
});
