import { createHmac } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { challenge, gql, q, signWithCurrentKey } from './gateway-helpers';

// RFC 6750 / RFC 9068 at the gateway, from an attacker's side: every forgery is a 401
// invalid_token, a missing scope a 403 insufficient_scope, no credentials a bare challenge.
let t: TestApp;
let orgId: string;
let otherOrgId: string;
let readToken: string;
let writeToken: string;
let start: Date;

const REALM = 'http://issuer.test';
const LIST = q('{ subjects { id name } }');
const CREATE = (name: string) => q(`mutation { createSubject(name: "${name}") { id } }`);

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const part = (o: unknown) => b64url(JSON.stringify(o));

beforeAll(async () => {
  t = await createTestApp();
  orgId = (await t.newOrg()).id;
  otherOrgId = (await t.newOrg()).id;
  readToken = await bearer(t, orgId, ['read:subjects']);
  writeToken = await bearer(t, orgId, ['read:subjects', 'write:subjects']);
  start = t.clock.now();
});
afterEach(() => t.clock.set(start));
afterAll(() => t?.close());

async function expectInvalidToken(res: Response) {
  expect(res.status).toBe(401);
  const c = challenge(res);
  expect(c?.scheme).toBe('Bearer');
  expect(c?.params).toMatchObject({ realm: REALM, error: 'invalid_token' });
  const body = await res.json();
  expect(body.data).toBeUndefined();
  return c?.params.error_description ?? '';
}

async function names(): Promise<string[]> {
  const res = await gql(t.app, readToken, LIST);
  return (await res.json()).data.subjects.map((s: { name: string }) => s.name);
}

describe('no credentials', () => {
  it.each([
    ['no Authorization header', {}],
    ['a Basic header', { authorization: `Basic ${b64url('km_x:kms_y')}` }],
    ['a Digest header', { authorization: 'Digest username="x"' }],
    ['the token in a cookie', { headers: { cookie: 'access_token=abc' } }],
  ])('%s → 401 with a bare Bearer challenge, no error code', async (_what, o) => {
    const res = await gql(t.app, undefined, LIST, o);
    expect(res.status).toBe(401);
    const c = challenge(res);
    expect(c?.scheme).toBe('Bearer');
    expect(c?.params).toEqual({ realm: REALM });
    expect(res.headers.get('www-authenticate')).not.toMatch(/error=/);
    expect((await res.json()).data).toBeUndefined();
  });

  it('ignores a token in the query string (RFC 6750 §2.3 is not offered)', async () => {
    const res = await t.app.request(`/graphql?access_token=${readToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(LIST),
    });
    expect(res.status).toBe(401);
    expect(challenge(res)?.params).toEqual({ realm: REALM });
  });
});

describe('forged and unacceptable tokens → 401 invalid_token', () => {
  it('refuses a malformed Bearer header and garbage tokens', async () => {
    for (const authorization of ['Bearer', 'Bearer a b', 'Bearer not-a-jwt', 'Bearer a.b.c']) {
      await expectInvalidToken(await gql(t.app, undefined, LIST, { authorization }));
    }
  });

  it('refuses alg "none"', async () => {
    const header = decodeProtectedHeader(readToken);
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${part({ ...header, alg })}.${part(decodeJwt(readToken))}.`;
      await expectInvalidToken(await gql(t.app, token, LIST));
    }
  });

  it('refuses HS256 keyed with the published public key (algorithm confusion)', async () => {
    const jwks = (await (await t.app.request('/.well-known/jwks.json')).json()) as {
      keys: Record<string, string>[];
    };
    const { kid } = decodeProtectedHeader(readToken);
    const jwk = jwks.keys.find((k) => k.kid === kid);
    expect(jwk?.n).toBeTruthy();
    const secrets = [
      Buffer.from(JSON.stringify(jwk)),
      Buffer.from(jwk?.n ?? ''),
      Buffer.from(jwk?.n ?? '', 'base64url'),
    ];
    const claims = { ...decodeJwt(readToken), scope: 'read:subjects write:subjects' };
    for (const secret of secrets) {
      const input = `${part({ alg: 'HS256', kid, typ: 'at+jwt' })}.${part(claims)}`;
      const sig = createHmac('sha256', secret).update(input).digest('base64url');
      const description = await expectInvalidToken(await gql(t.app, `${input}.${sig}`, LIST));
      expect(description).toMatch(/algorithm/);
    }
  });

  it('refuses a token signed by another RSA key under the real kid', async () => {
    const { kid } = decodeProtectedHeader(readToken);
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(decodeJwt(readToken))
      .setProtectedHeader({ alg: 'RS256', kid: kid as string, typ: 'at+jwt' })
      .sign(privateKey);
    expect(await expectInvalidToken(await gql(t.app, token, LIST))).toMatch(/signature/);
  });

  it('refuses a genuine token whose payload was widened', async () => {
    const [h, , s] = writeToken.split('.');
    const widened = { ...decodeJwt(readToken), scope: 'read:subjects write:subjects' };
    const token = `${h}.${part(widened)}.${s}`;
    await expectInvalidToken(await gql(t.app, token, CREATE('widened')));
    const sameSig = `${readToken.split('.')[0]}.${part(widened)}.${readToken.split('.')[2]}`;
    await expectInvalidToken(await gql(t.app, sameSig, CREATE('widened')));
    expect(await names()).not.toContain('widened');
  });

  it('refuses an unknown kid, and reloads the keyset for unknown kids at most once per 30 s', async () => {
    const refresh = vi.spyOn(t.deps.keyset, 'refresh');
    try {
      for (let i = 0; i < 20; i++) {
        const token = await signWithCurrentKey(t, readToken, { header: { kid: `unknown-${i}` } });
        await expectInvalidToken(await gql(t.app, token, LIST));
      }
      // The first unknown kid reloads once (a key published since); the 19 others do not.
      expect(refresh).toHaveBeenCalledTimes(1);
      t.clock.advance(31);
      const later = await signWithCurrentKey(t, readToken, { header: { kid: 'unknown-later' } });
      await expectInvalidToken(await gql(t.app, later, LIST));
      expect(refresh).toHaveBeenCalledTimes(2);
    } finally {
      refresh.mockRestore();
    }
  });

  it('refuses a token expired for more than 60 s, and accepts one within the leeway', async () => {
    const { exp } = decodeJwt(readToken);
    t.clock.set(new Date(((exp as number) + 30) * 1000));
    expect((await gql(t.app, readToken, LIST)).status).toBe(200);
    t.clock.set(new Date(((exp as number) + 61) * 1000));
    expect(await expectInvalidToken(await gql(t.app, readToken, LIST))).toMatch(/expired/);
  });

  it('refuses a token whose nbf is more than 60 s ahead, and accepts one within the leeway', async () => {
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const soon = await signWithCurrentKey(t, readToken, {
      claims: { nbf: now + 30, jti: crypto.randomUUID() },
    });
    expect((await gql(t.app, soon, LIST)).status).toBe(200);
    const later = await signWithCurrentKey(t, readToken, {
      claims: { nbf: now + 120, jti: crypto.randomUUID() },
    });
    expect(await expectInvalidToken(await gql(t.app, later, LIST))).toMatch(/not valid yet/);
  });

  it('accepts a token re-signed unchanged with the real key (the forgery helper is sound)', async () => {
    const token = await signWithCurrentKey(t, readToken);
    expect((await gql(t.app, token, LIST)).status).toBe(200);
  });

  it.each<[string, { header?: Record<string, unknown>; claims?: Record<string, unknown> }]>([
    ['another issuer', { claims: { iss: 'http://evil.test' } }],
    ['the issuer with a trailing slash', { claims: { iss: `${REALM}/` } }],
    ['another audience', { claims: { aud: 'https://other-api.example' } }],
    ['no audience', { claims: { aud: undefined } }],
    ['typ JWT', { header: { typ: 'JWT' } }],
    ['no typ', { header: { typ: undefined } }],
    ['no jti', { claims: { jti: undefined } }],
    ['no exp', { claims: { exp: undefined } }],
    ['no org_id', { claims: { org_id: undefined } }],
    ['no client_id', { claims: { client_id: undefined } }],
    ['a non-string org_id', { claims: { org_id: 42 } }],
    ['another organisation’s org_id', { claims: { org_id: 'placeholder' } }],
    [
      'an unknown client_id',
      { claims: { client_id: 'km_0000000000000000000000', sub: 'km_0000000000000000000000' } },
    ],
  ])('refuses a token signed with the real key but with %s', async (_what, o) => {
    const claims = { ...o.claims };
    if (claims.org_id === 'placeholder') claims.org_id = otherOrgId;
    const token = await signWithCurrentKey(t, writeToken, { ...o, claims });
    await expectInvalidToken(await gql(t.app, token, CREATE('forged')));
    expect(await names()).not.toContain('forged');
  });
});

describe('scopes', () => {
  it('serves a query with read:subjects and a mutation with write:subjects', async () => {
    expect((await gql(t.app, readToken, LIST)).status).toBe(200);
    const res = await gql(t.app, writeToken, CREATE('allowed'));
    expect(res.status).toBe(200);
    expect((await res.json()).errors).toBeUndefined();
    expect(await names()).toContain('allowed');
  });

  it('refuses a mutation without write:subjects with 403 insufficient_scope and runs nothing', async () => {
    const res = await gql(t.app, readToken, CREATE('not allowed'));
    expect(res.status).toBe(403);
    expect(challenge(res)?.params).toMatchObject({
      realm: REALM,
      error: 'insufficient_scope',
      scope: 'write:subjects',
    });
    expect(res.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="[^"]+", error="insufficient_scope", .*scope="write:subjects"/,
    );
    expect(await names()).not.toContain('not allowed');
  });

  it('does not let write:subjects read (a query needs read:subjects)', async () => {
    const writeOnly = await bearer(t, orgId, ['write:subjects']);
    const res = await gql(t.app, writeOnly, LIST);
    expect(res.status).toBe(403);
    expect(challenge(res)?.params).toMatchObject({ error: 'insufficient_scope', scope: 'read:subjects' });
    expect((await gql(t.app, writeOnly, CREATE('write only'))).status).toBe(200);
  });

  it('refuses a token with unrelated scopes', async () => {
    const keysOnly = await bearer(t, orgId, ['read:keys', 'write:keys']);
    const res = await gql(t.app, keysOnly, LIST);
    expect(res.status).toBe(403);
    expect(challenge(res)?.params.scope).toBe('read:subjects');
  });

  it.each([
    ['an alias', 'mutation { innocent: createSubject(name: "sneaky") { id } }'],
    ['an inline fragment', 'mutation { ... on Mutation { createSubject(name: "sneaky") { id } } }'],
    ['a named fragment', 'mutation { ...M } fragment M on Mutation { createSubject(name: "sneaky") { id } }'],
    ['a skipped directive', 'mutation { createSubject(name: "sneaky") @skip(if: false) { id } }'],
    ['__typename beside it', 'mutation { __typename createSubject(name: "sneaky") { id } }'],
  ])('finds the mutation behind %s', async (_how, query) => {
    const res = await gql(t.app, readToken, q(query));
    expect(res.status).toBe(403);
    expect(challenge(res)?.params.scope).toBe('write:subjects');
    expect(await names()).not.toContain('sneaky');
  });

  it('checks the scopes of the operation operationName picks', async () => {
    const doc = 'query Harmless { __typename } mutation Evil { createSubject(name: "evil") { id } }';
    const evil = await gql(t.app, readToken, q(doc, { operationName: 'Evil' }));
    expect(evil.status).toBe(403);
    const harmless = await gql(t.app, readToken, q(doc, { operationName: 'Harmless' }));
    expect(harmless.status).toBe(200);
    expect(await harmless.json()).toEqual({ data: { __typename: 'Query' } });
    expect(await names()).not.toContain('evil');
  });
});
