import { createRemoteJWKSet, jwtVerify } from 'jose';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/listening-server';
import { basicAuth } from '../helpers/oauth-client';
import type { TestApp } from '../helpers/test-app';

/**
 * Resource servers written with jsonwebtoken + jwks-rsa, or with jose's remote JWKS,
 * verify keymint tokens offline through the published JWKS, over real HTTP.
 */

type Server = TestApp & { url: string };
const algs = ['RS256', 'ES256', 'EdDSA'] as const;
type Alg = (typeof algs)[number];

const servers = new Map<Alg, { t: Server; org: { id: string }; key: { clientId: string; secret: string } }>();

beforeAll(async () => {
  for (const alg of algs) {
    const t = await startTestServer({ SIGNING_ALG: alg });
    const org = await t.newOrg(`interop-${alg.toLowerCase()}`);
    const key = await t.newKey(org.id, { scopes: ['read:subjects', 'write:subjects'] });
    servers.set(alg, { t, org, key });
  }
});
afterAll(async () => {
  for (const { t } of servers.values()) await t.close();
});

function server(alg: Alg) {
  const s = servers.get(alg);
  if (!s) throw new Error(`no server for ${alg}`);
  return s;
}

/** What a CI job does: POST /token over HTTP with client_secret_basic. */
async function fetchToken(alg: Alg, scope = 'read:subjects write:subjects'): Promise<string> {
  const { t, key } = server(alg);
  const res = await fetch(`${t.url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(key.clientId, key.secret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The resource-server side: jwks-rsa finds the key by kid, jsonwebtoken verifies. */
async function verifyWithJsonwebtoken(alg: Alg, token: string) {
  const { t } = server(alg);
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded) throw new Error('not a JWT');
  const jwks = new JwksClient({ jwksUri: `${t.url}/.well-known/jwks.json` });
  const signingKey = await jwks.getSigningKey(decoded.header.kid);
  const payload = jwt.verify(token, signingKey.getPublicKey(), {
    algorithms: [alg as jwt.Algorithm],
    issuer: t.url,
    audience: t.url,
  }) as JwtPayload;
  return { header: decoded.header, payload, signingKey };
}

/** Changes one character of the payload (the last of `sub`), keeping valid JSON: a forged identity. */
function tamper(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const json = Buffer.from(p, 'base64url').toString();
  const at = json.indexOf('"sub":"') + '"sub":"'.length;
  const end = json.indexOf('"', at);
  const last = json[end - 1];
  const forged = `${json.slice(0, end - 1)}${last === 'A' ? 'B' : 'A'}${json.slice(end)}`;
  expect(forged.length).toBe(json.length);
  expect(forged).not.toBe(json);
  return `${h}.${Buffer.from(forged).toString('base64url')}.${s}`;
}

describe.each(['RS256', 'ES256'] as const)('jsonwebtoken + jwks-rsa, SIGNING_ALG=%s', (alg) => {
  it('verifies the token through the JWKS and reads every contract claim', async () => {
    const { t, org, key } = server(alg);
    const token = await fetchToken(alg);
    const { header, payload, signingKey } = await verifyWithJsonwebtoken(alg, token);

    expect(header.alg).toBe(alg);
    expect(header.typ).toBe('at+jwt');
    expect(signingKey.kid).toBe(header.kid);
    expect(signingKey.alg).toBe(alg);

    expect(payload.iss).toBe(t.url);
    expect(payload.aud).toBe(t.url);
    expect(payload.sub).toBe(key.clientId);
    expect(payload.client_id).toBe(key.clientId);
    expect(payload.org_id).toBe(org.id);
    expect(payload.scope).toBe('read:subjects write:subjects');
    expect(payload.jti).toEqual(expect.any(String));
    expect((payload.jti as string).length).toBeGreaterThanOrEqual(16);
    expect((payload.exp as number) - (payload.iat as number)).toBe(300);
  });

  it('refuses a token with one payload character changed', async () => {
    const token = await fetchToken(alg);
    await expect(verifyWithJsonwebtoken(alg, token)).resolves.toBeDefined();
    await expect(verifyWithJsonwebtoken(alg, tamper(token))).rejects.toThrow(
      expect.objectContaining({ name: 'JsonWebTokenError', message: 'invalid signature' }),
    );
  });

  it('refuses the token for another audience or issuer', async () => {
    const { t } = server(alg);
    const token = await fetchToken(alg);
    const kid = jwt.decode(token, { complete: true })?.header.kid;
    const key = (
      await new JwksClient({ jwksUri: `${t.url}/.well-known/jwks.json` }).getSigningKey(kid)
    ).getPublicKey();
    expect(() => jwt.verify(token, key, { algorithms: [alg], audience: 'https://other.example' })).toThrow(
      /audience invalid/,
    );
    expect(() => jwt.verify(token, key, { algorithms: [alg], issuer: 'https://other.example' })).toThrow(
      /issuer invalid/,
    );
  });
});

describe.each(algs)('jose createRemoteJWKSet over HTTP, SIGNING_ALG=%s', (alg) => {
  it('verifies the token with typ, issuer and audience checks', async () => {
    const { t, org, key } = server(alg);
    const token = await fetchToken(alg, 'read:subjects');
    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      algorithms: [alg],
      issuer: t.url,
      audience: t.url,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe(alg);
    expect(payload.sub).toBe(key.clientId);
    expect(payload.client_id).toBe(key.clientId);
    expect(payload.org_id).toBe(org.id);
    expect(payload.scope).toBe('read:subjects');
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('refuses a tampered token', async () => {
    const { t } = server(alg);
    const token = await fetchToken(alg);
    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    await expect(jwtVerify(tamper(token), jwks, { algorithms: [alg] })).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });
});
