import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearer } from '../helpers/api-client';
import { startTestServer } from '../helpers/listening-server';
import { runMain } from '../helpers/run-cli';

// The key and org commands of CONTRACT §7 beyond create/list/rotate/revoke, in process
// against a listening server's own database: what the CLI changes, /token and the
// management API see, and its --json is the management API's object.
let server: Awaited<ReturnType<typeof startTestServer>>;
let cwd: string;
let reader: string;
let acmeId: string;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-cli-keys-'));
  server = await startTestServer({ BCRYPT_COST: '4' });
  const acme = await server.newOrg('acme', 20);
  acmeId = acme.id;
  await server.newOrg('beta');
  reader = await bearer(server, acme.id, ['read:keys', 'read:subjects']);
});
afterAll(async () => {
  await server?.close();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[], o: { stdin?: string } = {}) =>
  runMain(args, {
    cwd,
    stdin: o.stdin ?? '',
    env: { BCRYPT_COST: '4', ...(server.testDb.url ? { DATABASE_URL: server.testDb.url } : {}) },
    ...(server.testDb.url ? {} : { database: server.testDb.database }),
  });
const ok = async (args: string[], o: { stdin?: string } = {}) => {
  const r = await cli(args, o);
  expect(r.stderr, args.join(' ')).toBe('');
  expect(r.code).toBe(0);
  return r;
};
const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};
/** The management API's answer for the same key. */
const apiKey = async (ref: string) =>
  (await api(server, 'GET', `/orgs/acme/keys/${ref}`, { token: reader })).json();
const tokenStatus = async (clientId: string, secret: string) =>
  (
    await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`,
      },
      body: 'grant_type=client_credentials',
    })
  ).status;

describe('org list', () => {
  it('lists every organisation, as API objects with --json', async () => {
    const r = await ok(['org', 'list', '--json']);
    const { items, nextCursor } = JSON.parse(r.stdout);
    expect(nextCursor).toBeNull();
    expect(items.map((o: { slug: string }) => o.slug)).toEqual(['acme', 'beta']);
    const acme = await (await api(server, 'GET', '/orgs/acme', { token: reader })).json();
    expect(items[0]).toEqual(acme);
    const human = await ok(['org', 'list']);
    expect(human.stdout).toMatch(/^SLUG +NAME +ID +MAX ACTIVE KEYS +CREATED\nacme +/);
  });
});

describe('key show, rename, disable, enable, delete', () => {
  let key: { id: string; clientId: string; secret: string };
  beforeAll(async () => {
    key = await server.newKey(acmeId, { name: 'ci', scopes: ['read:subjects'] });
  });

  it('show prints the API object by id or client id, never the secret', async () => {
    for (const ref of [key.id, key.clientId]) {
      const r = await ok(['key', 'show', ref, '--org', 'acme', '--json']);
      expect(JSON.parse(r.stdout)).toEqual(await apiKey(key.id));
    }
    const human = await ok(['key', 'show', key.clientId, '--org', 'acme']);
    expect(human.stdout).toMatch(new RegExp(`^Key "ci" \\(${key.id}\\)\\nclient_id: +${key.clientId}\\n`));
    expect(human.stdout).toContain(`secret:      kms_…${key.secret.slice(-4)}`);
    expect(human.stdout).not.toContain(key.secret);
    const other = await cli(['key', 'show', key.id, '--org', 'beta']);
    expect(other.code).toBe(1);
    expect(oneLine(other.stderr)).toBe(`keymint key show: no key "${key.id}" in this organisation`);
  });

  it('rename changes the name the API shows', async () => {
    const r = await ok(['key', 'rename', key.clientId, '--org', 'acme', '--name', 'ci nightly', '--json']);
    expect(JSON.parse(r.stdout)).toEqual(await apiKey(key.id));
    expect(JSON.parse(r.stdout).name).toBe('ci nightly');
    const missing = await cli(['key', 'rename', key.clientId, '--org', 'acme']);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toMatch(/--name is required; usage: keymint key rename/);
    const bad = await cli(['key', 'rename', key.clientId, '--org', 'acme', '--name', '']);
    expect(bad.code).toBe(2);
  });

  it('disable stops tokens at once, enable lets them through again', async () => {
    expect(await tokenStatus(key.clientId, key.secret)).toBe(200);
    const off = await ok(['key', 'disable', key.id, '--org', 'acme', '--json']);
    expect(JSON.parse(off.stdout)).toMatchObject({ id: key.id, status: 'disabled' });
    expect(await tokenStatus(key.clientId, key.secret)).toBe(401);
    const on = await ok(['key', 'enable', key.id, '--org', 'acme']);
    expect(oneLine(on.stdout)).toBe(`Key "ci nightly" (${key.clientId}) is active: it gets tokens again`);
    expect(await tokenStatus(key.clientId, key.secret)).toBe(200);
  });

  it('delete refuses a live key, then removes a revoked one from listings', async () => {
    const live = await cli(['key', 'delete', key.id, '--org', 'acme']);
    expect(live.code).toBe(1);
    expect(oneLine(live.stderr)).toMatch(/is active; revoke it before deleting it/);
    await ok(['key', 'revoke', key.id, '--org', 'acme']);
    const json = await ok(['key', 'delete', key.id, '--org', 'acme', '--json']);
    expect(json.stdout).toBe(''); // the API answers 204
    const all = JSON.parse((await ok(['key', 'list', '--org', 'acme', '--status', 'all', '--json'])).stdout);
    expect(all.items.map((k: { id: string }) => k.id)).not.toContain(key.id);
    expect((await api(server, 'GET', `/orgs/acme/keys/${key.id}`, { token: reader })).status).toBe(404);
  });
});

describe('key import', () => {
  const secret = 'a secret from the old issuer';

  it('imports a secret from stdin; the client gets tokens with it, through `keymint token` too', async () => {
    const r = await ok(
      [
        'key',
        'import',
        '--org',
        'acme',
        '--name',
        'legacy',
        '--client-id',
        'legacy-sync',
        '--scope',
        'read:subjects',
        '--client-secret-stdin',
        '--json',
      ],
      { stdin: `${secret}\n` },
    );
    const view = JSON.parse(r.stdout);
    expect(view).toEqual(await apiKey('legacy-sync'));
    expect(view).toMatchObject({ clientId: 'legacy-sync', secretPreview: '(imported)', status: 'active' });
    expect(r.stdout).not.toContain(secret);
    expect(await tokenStatus('legacy-sync', secret)).toBe(200);
    expect(await tokenStatus('legacy-sync', 'a secret from the new issuer')).toBe(401);

    // The token client sends an imported secret as it is: it has no keymint checksum.
    const token = await cli(
      ['token', '--issuer', server.url, '--client-id', 'legacy-sync', '--client-secret-stdin'],
      { stdin: secret },
    );
    expect(token.stderr).toBe('');
    expect(token.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const wrong = await cli(
      ['token', '--issuer', server.url, '--client-id', 'legacy-sync', '--client-secret-stdin'],
      { stdin: 'not the secret' },
    );
    expect(wrong.code).toBe(1);
    expect(oneLine(wrong.stderr)).toBe(
      'keymint token: token request refused (401 invalid_client): client authentication failed',
    );
  });

  it('imports a bcrypt hash from stdin, and says to rotate once the client works', async () => {
    const r = await ok(
      [
        'key',
        'import',
        '--org',
        'acme',
        '--name',
        'hashed',
        '--client-id',
        'hashed-client',
        '--scope',
        'read:subjects',
        '--expires-in',
        '30d',
        '--bcrypt-hash-stdin',
      ],
      { stdin: bcrypt.hashSync(secret, 4) },
    );
    expect(r.stdout).toMatch(/^Imported key "hashed" \(key_\w+\) into acme\nclient_id: hashed-client\n/);
    expect(r.stdout).toContain('keymint key rotate hashed-client --org acme --grace-period 86400');
    expect(await tokenStatus('hashed-client', secret)).toBe(200);

    const rotated = JSON.parse(
      (await ok(['key', 'rotate', 'hashed-client', '--org', 'acme', '--json'])).stdout,
    );
    expect(rotated.clientSecret).toMatch(/^kms_/);
    expect(await tokenStatus('hashed-client', rotated.clientSecret)).toBe(200);
    expect(await tokenStatus('hashed-client', secret)).toBe(401);
  });

  it('refuses misuse (exit 2) and what the rules refuse (exit 1), in one line each', async () => {
    const base = ['key', 'import', '--org', 'acme', '--name', 'x', '--scope', 'read:subjects'];
    const cases: [string[], string, number, RegExp][] = [
      [[...base, '--client-secret-stdin'], secret, 2, /--client-id is required/],
      [
        [...base, '--client-id', 'x1'],
        secret,
        2,
        /--client-secret-stdin .* or --bcrypt-hash-stdin .* is required/,
      ],
      [
        [...base, '--client-id', 'x1', '--client-secret-stdin', '--bcrypt-hash-stdin'],
        secret,
        2,
        /one of them/,
      ],
      [[...base, '--client-id', 'x1', '--client-secret-stdin'], '', 2, /client secret is empty/],
      [[...base, '--client-id', 'legacy-sync', '--client-secret-stdin'], secret, 1, /already in use/],
      [
        [...base, '--client-id', 'km_0000000000000000000000', '--client-secret-stdin'],
        secret,
        1,
        /clientId: must not start with km_/,
      ],
      [
        [...base, '--client-id', 'x1', '--client-secret-stdin'],
        'short',
        1,
        /clientSecret: must be at least 8 characters/,
      ],
      [
        [...base, '--client-id', 'x1', '--bcrypt-hash-stdin'],
        bcrypt.hashSync(secret, 5),
        1,
        /cost 5, but .* BCRYPT_COST is 4/,
      ],
    ];
    for (const [args, stdin, code, message] of cases) {
      const r = await cli(args, { stdin });
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(oneLine(r.stderr)).toMatch(message);
      expect(r.stderr).not.toContain(secret);
    }
  });
});

describe('keymint user invite', () => {
  it('prints a one-time invite link that opens the console’s invite page', async () => {
    const r = await ok([
      'user',
      'invite',
      '--org',
      'acme',
      '--email',
      'new.person@acme.example',
      '--role',
      'viewer',
      '--json',
    ]);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ email: 'new.person@acme.example', role: 'viewer', org: { slug: 'acme' } });
    const path = new URL(out.link).pathname;
    expect(path).toMatch(/^\/console\/invites\/[0-9A-Za-z]{32}$/);
    const page = await server.app.request(path);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('new.person@acme.example');
  });

  it('refuses inviting someone who is already a member', async () => {
    await ok(['user', 'invite', '--org', 'acme', '--email', 'twice@acme.example', '--role', 'admin']);
    const r = await cli(
      [
        'user',
        'create',
        '--org',
        'acme',
        '--email',
        'twice@acme.example',
        '--role',
        'admin',
        '--password-stdin',
      ],
      {
        stdin: 'correct horse battery\n',
      },
    );
    expect(r.code).toBe(0);
    const again = await cli([
      'user',
      'invite',
      '--org',
      'acme',
      '--email',
      'twice@acme.example',
      '--role',
      'viewer',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already admin of this organisation/);
  });
});
