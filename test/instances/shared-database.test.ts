import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { importKek } from '../../src/signing/kek';
import { advanceSigningKeys } from '../../src/signing/lifecycle';
import { signingPolicy } from '../../src/signing/signing-policy';
import { postForm, requestToken } from '../helpers/oauth-client';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Instance A is the test app; instance B is a second keymint on the same database —
// its own connection pool on PostgreSQL, its own keyset, watcher and caches either way.
let a: TestApp;
let b: SecondInstance;
let orgId: string;

beforeAll(async () => {
  a = await createTestApp();
  b = await startSecondInstance(a);
  orgId = (await a.newOrg()).id;
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
});

describe('instances sharing one database', () => {
  it('refuses a key revoked on another instance on the very next request', async () => {
    const key = await a.newKey(orgId);
    expect((await requestToken(b.app, key)).status).toBe(200);
    await revokeKey(a.ctx(), orgId, key.id);
    const res = await requestToken(b.app, key);
    expect(res.status).toBe(401);
    expect((await res.json()).error_description).toMatch(/^key revoked at/);
  });

  it('reports a token revoked through another instance inactive at once', async () => {
    const key = await a.newKey(orgId);
    const token = (await (await requestToken(b.app, key)).json()).access_token as string;
    const auth = { id: key.clientId, secret: key.secret };
    expect((await postForm(a.app, '/revoke', { token }, { auth })).status).toBe(200);
    expect(await (await postForm(b.app, '/introspect', { token }, { auth })).json()).toEqual({
      active: false,
    });
  });

  it('signs with a signing key rotated elsewhere within one second', async () => {
    const key = await a.newKey(orgId);
    const before = decodeProtectedHeader((await (await requestToken(b.app, key)).json()).access_token).kid;
    const kek = await importKek(a.kek);
    const r = await advanceSigningKeys(a.deps.db, kek, signingPolicy(a.config), a.clock.now(), {
      force: true,
    });
    expect(r.rotated?.from).toBe(before);
    const started = Date.now();
    let kid = before;
    while (kid === before && Date.now() - started < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      kid = decodeProtectedHeader((await (await requestToken(b.app, key)).json()).access_token).kid;
    }
    expect(kid).toBe(r.rotated?.to);
    // The JWKS of B publishes the new next key too, without anyone restarting B.
    const jwks = (await (await b.app.request('/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toContain(r.rotated?.from);
    expect(jwks.keys).toHaveLength(3);
  });
});
