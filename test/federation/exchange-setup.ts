import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { expect } from 'vitest';
import { type CreateFederationInput, createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { postForm } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import {
  DEFAULT_REPO,
  type FakeOidcIssuer,
  type IdTokenOptions,
  startFakeOidcIssuer,
} from './fake-oidc-issuer';

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface Federation {
  id: string;
  clientId: string;
  orgId: string;
}

export interface ExchangeSetup {
  t: TestApp;
  issuer: FakeOidcIssuer;
  org: { id: string; slug: string };
  /** A federation of the fake issuer for DEFAULT_REPO (both ids pinned, main branch subject). */
  newFederation(input?: Partial<CreateFederationInput>): Promise<Federation>;
  /** A GitHub-shaped ID token for keymint's audience, issued at the test clock's now. */
  idToken(o?: Partial<IdTokenOptions>): Promise<string>;
  /** POST /token as RFC 8693 token exchange. */
  exchange(
    params: Record<string, string>,
    o?: { ip?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** POST /token as an RFC 7523 jwt-bearer grant. */
  jwtBearer(params: Record<string, string>, o?: { ip?: string }): Promise<Response>;
  close(): Promise<void>;
}

let ips = 0;
/** A fresh documentation-range address, so one test's refusals never throttle another's. */
export const nextIp = () => `198.51.100.${(++ips % 250) + 1}`;

/**
 * A test app that trusts a fake GitHub-shaped issuer on loopback (FEDERATION_ISSUERS
 * lists it, and `alsoTrusted` after it).
 */
export async function exchangeSetup(
  env: Record<string, string> = {},
  alsoTrusted: FakeOidcIssuer[] = [],
): Promise<ExchangeSetup> {
  const issuer = await startFakeOidcIssuer();
  const issuers = [issuer, ...alsoTrusted].map((i) => i.url).join(',');
  const t = await createTestApp({ FEDERATION_ISSUERS: issuers, ...env });
  const org = await t.newOrg();
  let names = 0;
  return {
    t,
    issuer,
    org,
    newFederation: async (input = {}) =>
      createFederation(federationContext(t.ctx(), t.config), org.id, {
        name: `ci ${++names}`,
        issuer: issuer.url,
        subject: `repo:${DEFAULT_REPO.owner}/${DEFAULT_REPO.name}:ref:refs/heads/main`,
        claims: { repository_id: DEFAULT_REPO.repositoryId, repository_owner_id: DEFAULT_REPO.ownerId },
        scopes: ['read:subjects', 'write:subjects'],
        ...input,
      }),
    idToken: (o = {}) => issuer.idToken({ now: t.clock.now(), audience: t.config.issuerUrl, ...o }),
    exchange: (params, o = {}) =>
      postForm(
        t.app,
        '/token',
        { grant_type: TOKEN_EXCHANGE, subject_token_type: ID_TOKEN_TYPE, ...params },
        { ip: o.ip ?? nextIp(), ...(o.headers ? { headers: o.headers } : {}) },
      ),
    jwtBearer: (params, o = {}) =>
      postForm(t.app, '/token', { grant_type: JWT_BEARER, ...params }, { ip: o.ip ?? nextIp() }),
    close: async () => {
      await t.close();
      await issuer.close();
    },
  };
}

/** Asserts an RFC 6749 §5.2 error and returns its description. */
export async function expectRefusal(res: Response, status: number, error: string): Promise<string> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const body = JSON.parse(text) as { error: string; error_description: string };
  expect(body.error, text).toBe(error);
  return body.error_description;
}

/** Verifies an access token against keymint's published JWKS, with jose, as a resource server would. */
export async function verifyWithJwks(t: TestApp, token: string): Promise<JWTPayload> {
  const jwks = createLocalJWKSet(await (await t.app.request('/.well-known/jwks.json')).json());
  const { payload } = await jwtVerify(token, jwks, {
    issuer: t.config.issuerUrl,
    audience: t.config.apiAudience,
    typ: 'at+jwt',
    currentDate: t.clock.now(),
  });
  return payload;
}
