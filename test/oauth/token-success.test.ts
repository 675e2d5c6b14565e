import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let org: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  org = await t.newOrg('acme');
});
afterAll(() => t?.close());

async function jwks() {
  const res = await t.app.request('/.well-known/jwks.json');
  return createLocalJWKSet(await res.json());
}

describe('POST /token with client_secret_basic', () => {
  it('issues an RFC 9068 access token with every contract claim', async () => {
    const key = await t.newKey(org.id, { scopes: ['read:subjects', 'write:subjects'] });
    const res = await requestToken(t.app, key);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'read:subjects write:subjects',
    });

    const header = decodeProtectedHeader(body.access_token);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(typeof header.kid).toBe('string');

    const { payload } = await jwtVerify(body.access_token, await jwks(), {
      issuer: 'http://issuer.test',
      audience: 'http://issuer.test',
      typ: 'at+jwt',
    });
    expect(Object.keys(payload).sort()).toEqual(
      ['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'org_id', 'scope', 'sub'].sort(),
    );
    expect(payload.sub).toBe(key.clientId);
    expect(payload.client_id).toBe(key.clientId);
    expect(payload.org_id).toBe(org.id);
    expect(payload.scope).toBe('read:subjects write:subjects');
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
    expect(payload.iat).toBe(Math.floor(t.clock.now().getTime() / 1000));
  });

  it('gives each token its own jti', async () => {
    const key = await t.newKey(org.id);
    const a = await (await requestToken(t.app, key)).json();
    const b = await (await requestToken(t.app, key)).json();
    const jti = (tok: string) =>
      JSON.parse(Buffer.from(tok.split('.')[1] as string, 'base64url').toString()).jti;
    expect(jti(a.access_token)).not.toBe(jti(b.access_token));
  });
});

describe('POST /token with client_secret_post', () => {
  it('accepts client_id and client_secret in the body', async () => {
    const key = await t.newKey(org.id);
    const res = await postForm(t.app, '/token', {
      grant_type: 'client_credentials',
      client_id: key.clientId,
      client_secret: key.secret,
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.scope).toBe('read:subjects read:keys read:usage read:audit');
  });
});
