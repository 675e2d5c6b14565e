import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { DEFAULT_REPO, type FakeOidcIssuer, startFakeOidcIssuer } from '../federation/fake-oidc-issuer';
import { startTestServer } from '../helpers/listening-server';
import { runMain } from '../helpers/run-cli';
import { type FakeActionsRuntime, startFakeActionsRuntime } from './fake-actions-runtime';
import { runAction } from './run-action';

// Secretless CI for real: a GitHub-shaped OIDC issuer on loopback that keymint trusts, a
// fake Actions runtime minting the job's ID token from it for the audience asked, and a
// listening keymint doing the RFC 8693 exchange. The action and `keymint token
// --github-oidc` each get an access token with no secret anywhere.
let oidc: FakeOidcIssuer;
let runtime: FakeActionsRuntime;
let server: Awaited<ReturnType<typeof startTestServer>>;
let federation: { clientId: string };
let otherRepo: { clientId: string };
let cwd: string;

beforeAll(async () => {
  oidc = await startFakeOidcIssuer();
  server = await startTestServer({ FEDERATION_ISSUERS: oidc.url });
  runtime = await startFakeActionsRuntime((audience) => oidc.idToken({ now: server.clock.now(), audience }));
  const org = await server.newOrg();
  const ctx = federationContext(server.ctx(), server.config);
  const policy = {
    issuer: oidc.url,
    subject: `repo:${DEFAULT_REPO.owner}/${DEFAULT_REPO.name}:ref:refs/heads/main`,
    scopes: ['read:subjects', 'read:keys'],
  };
  federation = await createFederation(ctx, org.id, {
    ...policy,
    name: 'deploy',
    claims: { repository_id: DEFAULT_REPO.repositoryId, repository_owner_id: DEFAULT_REPO.ownerId },
  });
  // The same name re-registered by someone else: a new repository id.
  otherRepo = await createFederation(ctx, org.id, {
    ...policy,
    name: 'renamed',
    claims: { repository_id: '111111111', repository_owner_id: DEFAULT_REPO.ownerId },
  });
  cwd = mkdtempSync(join(tmpdir(), 'keymint-ci-federation-'));
});
afterAll(async () => {
  await runtime?.close();
  await server?.close();
  await oidc?.close();
  rmSync(cwd, { recursive: true, force: true });
});

const verify = async (token: string) =>
  (
    await jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)), {
      issuer: server.url,
      audience: server.config.apiAudience,
      typ: 'at+jwt',
      currentDate: server.clock.now(),
    })
  ).payload;

describe('the action, with no client secret', () => {
  it('exchanges the job’s ID token for a masked access token of the federation', async () => {
    const run = await runAction(
      { issuer: server.url, 'client-id': federation.clientId, scope: 'read:keys' },
      runtime.env,
    );
    expect(run.log).not.toMatch(/::error/);
    expect(run.code).toBe(0);
    expect(runtime.audiences.at(-1)).toBe(server.url);
    const token = run.outputs.token as string;
    expect(await verify(token)).toMatchObject({
      sub: federation.clientId,
      client_id: federation.clientId,
      scope: 'read:keys',
    });
    expect(run.log.split('\n').filter((l) => l.includes(token))).toEqual([`::add-mask::${token}`]);
    expect(run.curlArgv.flat().join('\n')).not.toContain(token);
    expect(run.curlArgv.flat().join('\n')).not.toContain(runtime.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  });

  it('fails the step with keymint’s reason when a pinned claim does not match', async () => {
    const run = await runAction({ issuer: server.url, 'client-id': otherRepo.clientId }, runtime.env);
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /::error title=keymint token::keymint refused the token request \(HTTP 400 invalid_request\): .*repository_id/,
    );
    expect(run.outputs).toEqual({});
  });

  it('fails the step when the ID token is asked for another audience than the federation’s', async () => {
    const run = await runAction(
      {
        issuer: server.url,
        'client-id': federation.clientId,
        'id-token-audience': 'https://github.com/octo-org',
      },
      runtime.env,
    );
    expect(run.code).toBe(1);
    expect(run.log).toMatch(
      /::error title=keymint token::keymint refused the token request \(HTTP 400 invalid_request\): .*aud/,
    );
  });
});

describe('keymint token --github-oidc', () => {
  it('prints only an access token of the federation', async () => {
    const r = await runMain(
      [
        'token',
        '--issuer',
        server.url,
        '--client-id',
        federation.clientId,
        '--github-oidc',
        '--scope',
        'read:subjects',
      ],
      { cwd, env: runtime.env },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await verify(r.stdout.trim())).toMatchObject({
      client_id: federation.clientId,
      scope: 'read:subjects',
    });
  });

  it('says why keymint refused, in one line', async () => {
    const r = await runMain(
      ['token', '--issuer', server.url, '--client-id', otherRepo.clientId, '--github-oidc'],
      {
        cwd,
        env: runtime.env,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^keymint token: token request refused \(400 invalid_request\): .*repository_id/,
    );
    expect(r.stdout).toBe('');
  });
});
