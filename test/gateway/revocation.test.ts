import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { api, bearer } from '../helpers/api-client';
import { postForm, requestToken } from '../helpers/oauth-client';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { challenge, type Fetcher, gql, q, sleep } from './gateway-helpers';

// Revocation at the gateway: it refuses a revoked or disabled key's tokens,
// and tokens revoked through /revoke, at once on the instance that revoked and within
// one second on another instance sharing the database (B, with its change watcher).
let a: TestApp;
let b: SecondInstance;
let orgId: string;
let admin: string;

beforeAll(async () => {
  a = await createTestApp();
  b = await startSecondInstance(a);
  orgId = (await a.newOrg()).id;
  // An API caller allowed to manage the subject keys below (no escalation: it covers them).
  admin = await bearer(a, orgId, ['write:keys', 'read:subjects', 'write:subjects']);
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
});

const LIST = q('{ subjects { id } }');
// Needs write:subjects, which the subject keys' tokens lack: answered 403 while the token
// is accepted. A 4xx leaves the instance's revocation cache as it is, so polling with it
// measures the change watcher, not a cache refilled by each successful request.
const PROBE = q('mutation { createSubject(name: "probe") { id } }');

async function subjectKey() {
  const key = await a.newKey(orgId, { name: 'gateway caller', scopes: ['read:subjects'] });
  const res = await requestToken(a.app, key, { scope: 'read:subjects' });
  expect(res.status).toBe(200);
  return { ...key, token: (await res.json()).access_token as string };
}

async function expectRefused(app: Fetcher, token: string, reason: RegExp) {
  const res = await gql(app, token, LIST);
  expect(res.status).toBe(401);
  expect(challenge(res)?.params).toMatchObject({
    error: 'invalid_token',
    error_description: expect.stringMatching(reason),
  });
}

/** Polls `app` every 50 ms until the token is refused; the milliseconds that took. */
async function refusedWithin(app: Fetcher, token: string, limitMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await gql(app, token, PROBE);
    if (res.status === 401) return Date.now() - started;
    expect(res.status).toBe(403);
    if (Date.now() - started > limitMs) throw new Error(`still accepted after ${limitMs} ms`);
    await sleep(50);
  }
}

/** Primes `app`'s caches with the token accepted, as steady traffic would. */
async function expectAccepted(app: Fetcher, token: string) {
  expect((await gql(app, token, LIST)).status).toBe(200);
  expect((await gql(app, token, PROBE)).status).toBe(403);
}

describe('on the instance that revokes', () => {
  it('refuses the next request after the key is revoked through the API', async () => {
    const k = await subjectKey();
    await expectAccepted(a.app, k.token);
    const res = await api(a, 'POST', `/orgs/${orgId}/keys/${k.id}/revoke`, { token: admin });
    expect(res.status).toBe(200);
    await expectRefused(a.app, k.token, /revoked/);
  });

  it('refuses the next request after the key is disabled, and accepts it again once enabled', async () => {
    const k = await subjectKey();
    await expectAccepted(a.app, k.token);
    const off = await api(a, 'PATCH', `/orgs/${orgId}/keys/${k.id}`, {
      token: admin,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    await expectRefused(a.app, k.token, /disabled/);
    const on = await api(a, 'PATCH', `/orgs/${orgId}/keys/${k.id}`, {
      token: admin,
      body: { enabled: true },
    });
    expect(on.status).toBe(200);
    await expectAccepted(a.app, k.token);
  });

  it('refuses the next request after the token itself is revoked through /revoke, and only that token', async () => {
    const k = await subjectKey();
    const sibling = (await (await requestToken(a.app, k)).json()).access_token as string;
    await expectAccepted(a.app, k.token);
    const res = await postForm(
      a.app,
      '/revoke',
      { token: k.token },
      { auth: { id: k.clientId, secret: k.secret } },
    );
    expect(res.status).toBe(200);
    await expectRefused(a.app, k.token, /revoked/);
    await expectAccepted(a.app, sibling);
  });

  it('refuses the next request after the key is deleted', async () => {
    const k = await subjectKey();
    await expectAccepted(a.app, k.token);
    expect((await api(a, 'POST', `/orgs/${orgId}/keys/${k.id}/revoke`, { token: admin })).status).toBe(200);
    expect((await api(a, 'DELETE', `/orgs/${orgId}/keys/${k.id}`, { token: admin })).status).toBe(204);
    await expectRefused(a.app, k.token, /./);
  });
});

describe('on another instance sharing the database', () => {
  it('refuses within one second a key revoked through the API of instance A', async () => {
    const k = await subjectKey();
    await expectAccepted(b.app, k.token);
    expect((await api(a, 'POST', `/orgs/${orgId}/keys/${k.id}/revoke`, { token: admin })).status).toBe(200);
    expect(await refusedWithin(b.app, k.token, 1000)).toBeLessThanOrEqual(1000);
    await expectRefused(b.app, k.token, /revoked/);
  });

  it('refuses within one second a key revoked by the service directly (the CLI from another process)', async () => {
    const k = await subjectKey();
    await expectAccepted(b.app, k.token);
    await revokeKey(a.ctx(), orgId, k.id);
    expect(await refusedWithin(b.app, k.token, 1000)).toBeLessThanOrEqual(1000);
    await expectRefused(b.app, k.token, /revoked/);
  });

  it('refuses within one second a key disabled through the API of instance A', async () => {
    const k = await subjectKey();
    await expectAccepted(b.app, k.token);
    const off = await api(a, 'PATCH', `/orgs/${orgId}/keys/${k.id}`, {
      token: admin,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    expect(await refusedWithin(b.app, k.token, 1000)).toBeLessThanOrEqual(1000);
  });

  it('refuses within one second a token revoked through /revoke on instance A', async () => {
    const k = await subjectKey();
    await expectAccepted(b.app, k.token);
    const res = await postForm(
      a.app,
      '/revoke',
      { token: k.token },
      { auth: { id: k.clientId, secret: k.secret } },
    );
    expect(res.status).toBe(200);
    expect(await refusedWithin(b.app, k.token, 1000)).toBeLessThanOrEqual(1000);
    await expectRefused(b.app, k.token, /revoked/);
  });

  it('accepts again, within one second, the tokens of a key re-enabled on instance A', async () => {
    const k = await subjectKey();
    await expectAccepted(b.app, k.token);
    const off = await api(a, 'PATCH', `/orgs/${orgId}/keys/${k.id}`, {
      token: admin,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    await refusedWithin(b.app, k.token, 1000);
    const on = await api(a, 'PATCH', `/orgs/${orgId}/keys/${k.id}`, {
      token: admin,
      body: { enabled: true },
    });
    expect(on.status).toBe(200);
    // B itself hands the re-enabled key a new token at once; its gateway must take it.
    const fresh = await requestToken(b.app, k);
    expect(fresh.status).toBe(200);
    const token = (await fresh.json()).access_token as string;
    const started = Date.now();
    let status = 0;
    while (Date.now() - started <= 1000) {
      status = (await gql(b.app, token, LIST)).status;
      if (status === 200) break;
      await sleep(50);
    }
    expect(status).toBe(200);
  });
});
