import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFederation } from '../../src/federation/create-federation';
import { federationContext } from '../../src/federation/federation-service-context';
import { startTestServer } from '../helpers/listening-server';
import type { TestApp } from '../helpers/test-app';
import { ACCESS_TOKEN_TYPE, ID_TOKEN_TYPE, JWT_BEARER, TOKEN_EXCHANGE } from './exchange-setup';
import { DEFAULT_REPO, type FakeOidcIssuer, startFakeOidcIssuer } from './fake-oidc-issuer';

// openid-client v6 (an independent OAuth 2.0 client) discovers keymint and performs
// the exchange as a public client (client_id only, auth method "none") through its
// generic grant request, over real HTTP.

let issuer: FakeOidcIssuer;
let t: TestApp & { url: string };
let clientId: string;
let orgId: string;

beforeAll(async () => {
  issuer = await startFakeOidcIssuer();
  t = await startTestServer({ FEDERATION_ISSUERS: issuer.url });
  orgId = (await t.newOrg()).id;
  const fed = await createFederation(federationContext(t.ctx(), t.config), orgId, {
    name: 'interop',
    issuer: issuer.url,
    claims: { repository_id: DEFAULT_REPO.repositoryId, repository_owner_id: DEFAULT_REPO.ownerId },
    scopes: ['read:subjects'],
  });
  clientId = fed.clientId;
});
afterAll(async () => {
  await t?.close();
  await issuer?.close();
});

const discover = () =>
  client.discovery(new URL(t.url), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
const idToken = () => issuer.idToken({ now: t.clock.now(), audience: t.url });

describe('openid-client against the federated grants', () => {
  it('finds both grants in the metadata', async () => {
    const grants = (await discover()).serverMetadata().grant_types_supported;
    expect(grants).toEqual(expect.arrayContaining([TOKEN_EXCHANGE, JWT_BEARER]));
  });

  it('performs the RFC 8693 token exchange and gets a token that verifies against the JWKS', async () => {
    const config = await discover();
    const tokens = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
      subject_token: await idToken(),
      subject_token_type: ID_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    expect(tokens.scope).toBe('read:subjects');
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
    const { payload } = await jwtVerify(tokens.access_token, jwks, {
      issuer: t.url,
      audience: t.url,
      typ: 'at+jwt',
    });
    expect([payload.sub, payload.client_id, payload.org_id]).toEqual([clientId, clientId, orgId]);
  });

  it('performs the RFC 7523 jwt-bearer grant', async () => {
    const tokens = await client.genericGrantRequest(await discover(), JWT_BEARER, {
      assertion: await idToken(),
    });
    expect(tokens.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    expect(typeof tokens.access_token).toBe('string');
  });

  it('surfaces a refused ID token as a ResponseBodyError carrying the description', async () => {
    const replayed = await idToken();
    const config = await discover();
    const params = { subject_token: replayed, subject_token_type: ID_TOKEN_TYPE };
    await client.genericGrantRequest(config, TOKEN_EXCHANGE, params);
    const err = await client.genericGrantRequest(config, TOKEN_EXCHANGE, params).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(client.ResponseBodyError);
    expect((err as client.ResponseBodyError).error).toBe('invalid_request');
    expect((err as client.ResponseBodyError).error_description).toMatch(/already exchanged/);
  });
});
