import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { startTestServer } from '../helpers/listening-server';
import { runMain } from '../helpers/run-cli';
import {
  type FakeActionsRuntime,
  type FakeExchange,
  startFakeActionsRuntime,
  startFakeExchange,
} from './fake-actions-runtime';

// `keymint token` as a CI step runs it, in this process through main(argv, io): with
// --github-oidc against a fake Actions ID-token endpoint and a stand-in exchange, and
// with a secret on stdin whose typos are caught before anything is sent.
let cwd: string;
const federationId = 'kmf_0123456789abcdefghijkl';
const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"repo:acme/app:ref:refs/heads/main"}').toString('base64url')}.c2lnbmF0dXJl`;
let runtime: FakeActionsRuntime;
let exchange: FakeExchange;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-token-cli-'));
  runtime = await startFakeActionsRuntime(() => idToken);
  exchange = await startFakeExchange({ clientId: federationId, idToken });
});
afterAll(async () => {
  await runtime?.close();
  await exchange?.close();
  rmSync(cwd, { recursive: true, force: true });
});

const token = (args: string[], o: { env?: Record<string, string>; stdin?: string } = {}) =>
  runMain(['token', ...args], { cwd, ...o });
const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};

describe('token --github-oidc', () => {
  it('exchanges the job’s ID token, asked for the issuer as audience, and prints only the access token', async () => {
    const r = await token(
      [
        '--issuer',
        `${exchange.url}/`,
        '--client-id',
        federationId,
        '--github-oidc',
        '--scope',
        'read:subjects',
        '--scope',
        'read:keys',
        '--audience',
        'https://api.example',
      ],
      { env: runtime.env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${exchange.accessToken}\n`);
    expect(runtime.audiences.at(-1)).toBe(exchange.url);
    expect(Object.fromEntries(exchange.forms.at(-1) ?? [])).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: federationId,
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      scope: 'read:subjects read:keys',
      audience: 'https://api.example',
    });
  });

  it('asks for --id-token-audience when given, and prints the whole answer with --json', async () => {
    const r = await token(
      [
        '--issuer',
        exchange.url,
        '--client-id',
        federationId,
        '--github-oidc',
        '--id-token-audience',
        'https://keymint.example/ci',
        '--json',
      ],
      { env: runtime.env },
    );
    expect(r.code).toBe(0);
    expect(runtime.audiences.at(-1)).toBe('https://keymint.example/ci');
    expect(JSON.parse(r.stdout)).toMatchObject({
      access_token: exchange.accessToken,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
  });

  it('says to add the id-token permission when the job has no ID-token variables', async () => {
    const r = await token(['--issuer', exchange.url, '--client-id', federationId, '--github-oidc']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^keymint token: .*add `permissions: id-token: write` to the job/);
    expect(r.stdout).toBe('');
  });

  it('passes on GitHub’s refusal and keymint’s error text', async () => {
    const wrongBearer = await token(
      ['--issuer', exchange.url, '--client-id', federationId, '--github-oidc'],
      {
        env: { ...runtime.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'nope' },
      },
    );
    expect(wrongBearer.code).toBe(1);
    expect(oneLine(wrongBearer.stderr)).toMatch(
      /ID-token endpoint answered 401 without an ID token: Bad credentials/,
    );

    const refused = await token(
      ['--issuer', exchange.url, '--client-id', 'kmf_notthisfederation00000', '--github-oidc'],
      {
        env: runtime.env,
      },
    );
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toBe(
      'keymint token: token request refused (401 invalid_client): unknown federation',
    );
    expect(refused.stdout).toBe('');
  });

  it('is used alone: not with a secret, and --id-token-audience only with it', async () => {
    const both = await token(
      ['--issuer', exchange.url, '--client-id', federationId, '--github-oidc', '--client-secret-stdin'],
      { env: runtime.env, stdin: 'kms_x' },
    );
    expect(both.code).toBe(2);
    expect(oneLine(both.stderr)).toMatch(/not both/);
    const audienceAlone = await token(
      [
        '--issuer',
        exchange.url,
        '--client-id',
        federationId,
        '--client-secret-stdin',
        '--id-token-audience',
        'x',
      ],
      { stdin: generateSecret() },
    );
    expect(audienceAlone.code).toBe(2);
    expect(oneLine(audienceAlone.stderr)).toMatch(/--id-token-audience goes with --github-oidc/);
    const keyId = await token(
      ['--issuer', exchange.url, '--client-id', 'km_0123456789abcdefghijkl', '--github-oidc'],
      {
        env: runtime.env,
      },
    );
    expect(keyId.code).toBe(2);
    expect(oneLine(keyId.stderr)).toMatch(/a key's client id: --github-oidc needs a federation's \(kmf_…\)/);
  });
});

describe('token --help', () => {
  it('prints both ways to get a token and exits 0', async () => {
    const r = await token(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--github-oidc');
    expect(r.stdout).toContain('permissions: id-token: write');
    expect(r.stdout).toContain('--client-secret-stdin');
  });
});

describe('token --client-secret-stdin', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let key: { clientId: string; secret: string };
  beforeAll(async () => {
    server = await startTestServer();
    key = await server.newKey((await server.newOrg()).id, { scopes: ['read:subjects'] });
  });
  afterAll(() => server?.close());

  it('tells a mistyped secret (checksum) apart from a wrong one, sending nothing', async () => {
    // Against a recording endpoint first: a malformed secret never reaches it.
    const offline = ['--issuer', exchange.url, '--client-id', key.clientId, '--client-secret-stdin'];
    const sent = exchange.forms.length;
    // One character changed: the checksum no longer matches.
    const last = key.secret.at(-10) === 'a' ? 'b' : 'a';
    const typo = `${key.secret.slice(0, -10)}${last}${key.secret.slice(-9)}`;
    const mistyped = await token(offline, { stdin: typo });
    expect(mistyped.code).toBe(1);
    expect(oneLine(mistyped.stderr)).toMatch(/mistyped: its checksum .* does not match.*nothing was sent$/);
    expect(mistyped.stderr).not.toContain(typo);
    const cut = await token(offline, { stdin: key.secret.slice(0, -1) });
    expect(oneLine(cut.stderr)).toMatch(/52 characters long, not 53.*nothing was sent$/);
    const other = await token(offline, { stdin: key.clientId });
    expect(oneLine(other.stderr)).toMatch(/not a keymint secret/);
    expect(exchange.forms.length).toBe(sent);

    const args = ['--issuer', server.url, '--client-id', key.clientId, '--client-secret-stdin'];
    // A well-formed secret that is not the key's goes to keymint, which refuses it.
    const wrong = await token(args, { stdin: generateSecret() });
    expect(wrong.code).toBe(1);
    expect(oneLine(wrong.stderr)).toMatch(/token request refused \(401 invalid_client\)/);
    const right = await token(args, { stdin: `${key.secret}\n` });
    expect(right.code).toBe(0);
    expect(right.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
