import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';

/**
 * openid-client v6 (an independent, certified OAuth 2.0 / OIDC client) discovers the
 * server and runs the client-credentials grant against it over real HTTP.
 */

let t: TestApp & { url: string };
let org: { id: string };

beforeAll(async () => {
  t = await startTestServer();
  org = await t.newOrg('oidc-client');
});
afterAll(() => t?.close());

interface Seen {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  status: number;
  json: unknown;
}

/** fetch, recording what went over the wire so the test can see what the client did. */
function recordingFetch(seen: Seen[]): client.CustomFetch {
  return async (url, options) => {
    const res = await fetch(url, options as RequestInit);
    const text = await res.clone().text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    seen.push({
      url,
      method: options.method,
      headers: new Headers(options.headers),
      body: typeof options.body === 'string' ? options.body : String(options.body ?? ''),
      status: res.status,
      json,
    });
    return res;
  };
}

const discoveries = [
  { algorithm: 'oauth2', path: '/.well-known/oauth-authorization-server' },
  { algorithm: 'oidc', path: '/.well-known/openid-configuration' },
] as const;

const authMethods = [
  { name: 'client_secret_basic', auth: client.ClientSecretBasic },
  { name: 'client_secret_post', auth: client.ClientSecretPost },
] as const;

describe.each(discoveries)('discovery() through $path', ({ algorithm, path }) => {
  it('fetches that document and accepts the metadata', async () => {
    const key = await t.newKey(org.id);
    const seen: Seen[] = [];
    const config = await client.discovery(
      new URL(t.url),
      key.clientId,
      undefined,
      client.ClientSecretBasic(key.secret),
      { algorithm, execute: [client.allowInsecureRequests], [client.customFetch]: recordingFetch(seen) },
    );
    expect(seen.map((s) => s.url)).toEqual([`${t.url}${path}`]);

    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(t.url);
    expect(metadata.token_endpoint).toBe(`${t.url}/token`);
    expect(metadata.jwks_uri).toBe(`${t.url}/.well-known/jwks.json`);
    expect(metadata.grant_types_supported).toContain('client_credentials');
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post']),
    );
    // RFC 8414 §2 / contract §4: no authorization endpoint, so the field is omitted (never []).
    expect(metadata).not.toHaveProperty('response_types_supported');
    expect(seen[0]?.json).not.toHaveProperty('response_types_supported');
  });

  describe.each(authMethods)('then clientCredentialsGrant() with $name', ({ name, auth }) => {
    it('obtains an access token that verifies against the JWKS', async () => {
      const key = await t.newKey(org.id, { scopes: ['read:subjects', 'read:keys'], tokenTtlSeconds: 600 });
      const seen: Seen[] = [];
      const config = await client.discovery(new URL(t.url), key.clientId, undefined, auth(key.secret), {
        algorithm,
        execute: [client.allowInsecureRequests],
        [client.customFetch]: recordingFetch(seen),
      });

      const tokens = await client.clientCredentialsGrant(config, { scope: 'read:subjects' });

      // The client authenticated the way it was told to.
      const tokenRequest = seen.find((s) => s.url === `${t.url}/token`);
      if (!tokenRequest) throw new Error('openid-client sent no request to the token endpoint');
      expect(tokenRequest.method).toBe('POST');
      const form = new URLSearchParams(tokenRequest.body);
      expect(form.get('grant_type')).toBe('client_credentials');
      if (name === 'client_secret_basic') {
        expect(tokenRequest.headers.get('authorization')).toMatch(/^Basic /);
        expect(form.has('client_secret')).toBe(false);
      } else {
        expect(tokenRequest.headers.has('authorization')).toBe(false);
        expect(form.get('client_id')).toBe(key.clientId);
        expect(form.get('client_secret')).toBe(key.secret);
      }
      expect(tokenRequest.status).toBe(200);
      // openid-client lower-cases token_type; the wire value is RFC 6750's "Bearer".
      expect((tokenRequest.json as { token_type?: string }).token_type).toBe('Bearer');

      expect(tokens.token_type).toBe('bearer');
      expect(tokens.expires_in).toBe(600);
      // expiresIn() counts down in real time from the response.
      expect(tokens.expiresIn()).toBeGreaterThan(590);
      expect(tokens.expiresIn()).toBeLessThanOrEqual(600);
      expect(tokens.scope).toBe('read:subjects');
      expect(typeof tokens.access_token).toBe('string');

      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
        issuer: t.url,
        audience: t.url,
        typ: 'at+jwt',
        algorithms: ['RS256'],
      });
      expect(protectedHeader.kid).toBe(decodeProtectedHeader(tokens.access_token).kid);
      expect(payload.sub).toBe(key.clientId);
      expect(payload.client_id).toBe(key.clientId);
      expect(payload.org_id).toBe(org.id);
      expect(payload.scope).toBe('read:subjects');
      expect((payload.exp as number) - (payload.iat as number)).toBe(600);
    });
  });
});

describe('clientCredentialsGrant() errors', () => {
  it("surfaces the server's invalid_scope as a ResponseBodyError", async () => {
    const key = await t.newKey(org.id, { scopes: ['read:subjects'] });
    const config = await client.discovery(
      new URL(t.url),
      key.clientId,
      undefined,
      client.ClientSecretPost(key.secret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const err = await client
      .clientCredentialsGrant(config, { scope: 'write:subjects' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect((err as client.ResponseBodyError).error).toBe('invalid_scope');
    expect((err as client.ResponseBodyError).status).toBe(400);
  });

  it('surfaces a wrong secret as a 401 Basic challenge with an invalid_client body', async () => {
    const key = await t.newKey(org.id);
    const other = await t.newKey(org.id);
    const config = await client.discovery(
      new URL(t.url),
      key.clientId,
      undefined,
      client.ClientSecretBasic(other.secret),
      { execute: [client.allowInsecureRequests] },
    );
    const err = await client.clientCredentialsGrant(config).catch((e: unknown) => e);
    // RFC 6749 §5.2: 401 with WWW-Authenticate, which openid-client reports as a challenge.
    expect(err).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const challenge = err as client.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]?.scheme).toBe('basic');
    expect((await challenge.response.json()).error).toBe('invalid_client');
  });
});
