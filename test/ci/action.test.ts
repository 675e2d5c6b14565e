import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { startTestServer } from '../helpers/listening-server';
import {
  type FakeActionsRuntime,
  type FakeExchange,
  startFakeActionsRuntime,
  startFakeExchange,
} from './fake-actions-runtime';
import { runAction, type ShellRun } from './run-action';

// The repository's GitHub Action (.github/actions/keymint-token), run as the runner runs
// a composite step: `bash -e`, inputs through action.yml's env, a GITHUB_OUTPUT file, and
// a PATH with nothing but a curl that records its command lines.
let server: Awaited<ReturnType<typeof startTestServer>>;
let key: { clientId: string; secret: string };

beforeAll(async () => {
  server = await startTestServer();
  key = await server.newKey((await server.newOrg()).id, { scopes: ['read:subjects', 'read:keys'] });
});
afterAll(() => server?.close());

/** The runner's log shows no secret: each token appears only in its own ::add-mask:: line, first. */
function expectMaskedFirst(log: string, value: string): void {
  const lines = log.split('\n').filter((l) => l.includes(value));
  expect(lines[0]).toBe(`::add-mask::${value}`);
  expect(lines).toEqual([`::add-mask::${value}`]);
}

function expectNotInArgv(run: ShellRun, ...values: string[]): void {
  expect(run.curlArgv.length).toBeGreaterThan(0);
  const argv = run.curlArgv.flat().join('\n');
  for (const v of values) expect(argv).not.toContain(v);
}

describe('with a key’s secret', () => {
  it('sets a verified, masked token as the output, with no secret on a command line', async () => {
    const run = await runAction({
      issuer: `${server.url}/`,
      'client-id': key.clientId,
      'client-secret': key.secret,
      scope: 'read:keys',
    });
    expect(run.log).not.toMatch(/::error/);
    expect(run.code).toBe(0);
    const token = run.outputs.token as string;
    const { payload } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)),
      {
        issuer: server.url,
        typ: 'at+jwt',
      },
    );
    expect(payload).toMatchObject({ client_id: key.clientId, scope: 'read:keys' });
    expectMaskedFirst(run.log, token);
    expect(run.log).not.toContain(key.secret);
    expectNotInArgv(run, key.secret, token);
  });

  it('fails the step with keymint’s error when the secret is wrong, and sets no output', async () => {
    const run = await runAction({
      issuer: server.url,
      'client-id': key.clientId,
      'client-secret': generateSecret(),
    });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /^::error title=keymint token::keymint refused the token request \(HTTP 401 invalid_client\): \S/m,
    );
    expect(run.outputs).toEqual({});
  });

  it('fails the step with keymint’s error when a scope is not granted', async () => {
    const run = await runAction({
      issuer: server.url,
      'client-id': key.clientId,
      'client-secret': key.secret,
      scope: 'write:keys',
    });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /::error title=keymint token::keymint refused the token request \(HTTP 400 invalid_scope\): .*write:keys/,
    );
    expect(run.outputs).toEqual({});
  });

  it('fails the step when keymint cannot be reached', async () => {
    const run = await runAction({
      issuer: 'http://127.0.0.1:9',
      'client-id': key.clientId,
      'client-secret': key.secret,
    });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /::error title=keymint token::cannot reach keymint at http:\/\/127\.0\.0\.1:9\/token/,
    );
  });

  it('refuses a plain-http issuer that is not on loopback, before sending the secret', async () => {
    const run = await runAction({
      issuer: 'http://keymint.example.com',
      'client-id': key.clientId,
      'client-secret': key.secret,
    });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error title=keymint token::issuer must be an https:\/\/ URL/);
    expect(run.curlArgv).toEqual([]);
    const disguised = await runAction({
      issuer: 'http://127.0.0.1:80@keymint.example.com',
      'client-id': key.clientId,
      'client-secret': key.secret,
    });
    expect(disguised.code).toBe(1);
    expect(disguised.log).toMatch(/::error title=keymint token::issuer must be keymint's plain URL/);
    expect(disguised.curlArgv).toEqual([]);
  });
});

describe('with federation (no secret): the job’s OIDC ID token', () => {
  const federationId = 'kmf_0123456789abcdefghijkl';
  const idToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"repo:acme/app:ref:refs/heads/main"}').toString('base64url')}.c2lnbmF0dXJl`;
  let runtime: FakeActionsRuntime;
  let exchange: FakeExchange;

  beforeAll(async () => {
    runtime = await startFakeActionsRuntime(() => idToken);
    exchange = await startFakeExchange({ clientId: federationId, idToken });
  });
  afterAll(async () => {
    await runtime?.close();
    await exchange?.close();
  });

  it('asks GitHub for an ID token for the issuer and exchanges it, masking both tokens', async () => {
    const run = await runAction(
      {
        issuer: exchange.url,
        'client-id': federationId,
        scope: 'read:subjects',
        audience: 'https://api.example',
      },
      runtime.env,
    );
    expect(run.log).not.toMatch(/::error/);
    expect(run.code).toBe(0);
    expect(runtime.audiences.at(-1)).toBe(exchange.url);
    expect(run.outputs).toEqual({ token: exchange.accessToken });
    expect(Object.fromEntries(exchange.forms.at(-1) ?? [])).toEqual({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      client_id: federationId,
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      scope: 'read:subjects',
      audience: 'https://api.example',
    });
    expectMaskedFirst(run.log, idToken);
    expectMaskedFirst(run.log, exchange.accessToken);
    expectNotInArgv(run, idToken, exchange.accessToken, runtime.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  });

  it('asks for the id-token-audience when one is given', async () => {
    const run = await runAction(
      {
        issuer: exchange.url,
        'client-id': federationId,
        'id-token-audience': 'https://keymint.example/ci a&b',
      },
      runtime.env,
    );
    expect(run.code).toBe(0);
    expect(runtime.audiences.at(-1)).toBe('https://keymint.example/ci a&b');
  });

  it('fails the step, naming the permission, when the job has no ID-token variables', async () => {
    const run = await runAction({ issuer: exchange.url, 'client-id': federationId });
    expect(run.code).toBe(1);
    expect(run.log).toMatch(/::error title=keymint token::.*add `permissions: id-token: write` to the job/);
    expect(run.curlArgv).toEqual([]);
  });

  it('fails the step with keymint’s error when the exchange is refused', async () => {
    const run = await runAction(
      { issuer: exchange.url, 'client-id': 'kmf_someoneelsesfederation0' },
      runtime.env,
    );
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /::error title=keymint token::keymint refused the token request \(HTTP 401 invalid_client\): unknown federation/,
    );
    expect(run.outputs).toEqual({});
  });

  it('points a key’s client id without its secret at client-secret', async () => {
    const run = await runAction({ issuer: exchange.url, 'client-id': key.clientId }, runtime.env);
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /::error title=keymint token::client-id km_\w+ is a key's client id: pass its secret/,
    );
  });

  it('fails the step with GitHub’s message when the ID-token endpoint refuses', async () => {
    const refusing = await startFakeActionsRuntime(() => idToken);
    try {
      refusing.refuse(403, 'Resource not accessible by integration');
      const run = await runAction({ issuer: exchange.url, 'client-id': federationId }, refusing.env);
      expect(run.code).toBe(1);
      expect(run.log).toMatch(
        /::error title=keymint token::GitHub's ID-token endpoint answered HTTP 403 without an ID token: Resource not accessible by integration/,
      );
      // A wrong request token is refused too.
      const wrong = await runAction(
        { issuer: exchange.url, 'client-id': federationId },
        { ...runtime.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'not-the-token' },
      );
      expect(wrong.code).toBe(1);
      expect(wrong.log).toMatch(/answered HTTP 401 without an ID token: Bad credentials/);
    } finally {
      await refusing.close();
    }
  });
});
