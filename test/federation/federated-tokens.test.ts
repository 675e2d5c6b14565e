import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, q } from '../gateway/gateway-helpers';
import { api, bearer } from '../helpers/api-client';
import { postForm } from '../helpers/oauth-client';
import { type ExchangeSetup, exchangeSetup, type Federation } from './exchange-setup';

// A token a federation obtained is a keymint access token like any other: the gateway,
// the management API and introspection accept it while the federation is active, and
// refuse it once the federation is disabled or revoked.
let s: ExchangeSetup;
let federation: Federation;

beforeAll(async () => {
  s = await exchangeSetup();
  federation = await s.newFederation({ scopes: ['read:subjects', 'read:keys'] });
});
afterAll(() => s?.close());

async function federatedToken(): Promise<string> {
  const res = await s.exchange({ client_id: federation.clientId, subject_token: await s.idToken() });
  expect(res.status).toBe(200);
  return (await res.json()).access_token;
}

describe('tokens obtained through a federation', () => {
  it('are accepted by the gateway, the management API and introspection', async () => {
    const token = await federatedToken();
    expect((await gql(s.t.app, token, q('{ subjects { id } }'))).status).toBe(200);
    expect((await api(s.t, 'GET', `/orgs/${s.org.slug}/keys`, { token })).status).toBe(200);
    const key = await s.t.newKey(s.org.id);
    const introspected = await (
      await postForm(s.t.app, '/introspect', { token }, { auth: { id: key.clientId, secret: key.secret } })
    ).json();
    expect(introspected).toMatchObject({
      active: true,
      client_id: federation.clientId,
      sub: federation.clientId,
    });
  });

  it('are refused everywhere once the federation is disabled, and again once revoked', async () => {
    const token = await federatedToken();
    expect((await gql(s.t.app, token, q('{ subjects { id } }'))).status).toBe(200);
    const admin = await bearer(s.t, s.org.id, ['read:keys', 'write:keys', 'read:subjects']);
    const path = `/orgs/${s.org.slug}/federations/${federation.id}`;
    expect((await api(s.t, 'PATCH', path, { token: admin, body: { enabled: false } })).status).toBe(200);
    const refused = await gql(s.t.app, token, q('{ subjects { id } }'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/the token's federation is disabled/);
    expect((await api(s.t, 'GET', `/orgs/${s.org.slug}/keys`, { token })).status).toBe(401);
    const key = await s.t.newKey(s.org.id);
    const introspected = await (
      await postForm(s.t.app, '/introspect', { token }, { auth: { id: key.clientId, secret: key.secret } })
    ).json();
    expect(introspected).toEqual({ active: false });
  });
});
