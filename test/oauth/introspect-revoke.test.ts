import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { updateKey } from '../../src/api-keys/update-key';
import { postForm, requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let orgA: string;
let caller: { id: string; clientId: string; secret: string };
let stranger: { clientId: string; secret: string };

beforeAll(async () => {
  t = await createTestApp();
  orgA = (await t.newOrg('intro-a')).id;
  caller = await t.newKey(orgA, { name: 'introspector' });
  stranger = await t.newKey((await t.newOrg('intro-b')).id, { name: 'stranger' });
});
afterAll(() => t?.close());

async function tokenOf(key: { clientId: string; secret: string }) {
  return (await (await requestToken(t.app, key)).json()).access_token as string;
}
const introspect = async (token: string, as = caller) =>
  (await postForm(t.app, '/introspect', { token }, { auth: { id: as.clientId, secret: as.secret } })).json();

describe('POST /introspect (RFC 7662)', () => {
  it('describes an active token of the caller’s organisation', async () => {
    const key = await t.newKey(orgA, { scopes: ['read:subjects'] });
    const token = await tokenOf(key);
    const body = await introspect(token);
    expect(body).toMatchObject({
      active: true,
      client_id: key.clientId,
      sub: key.clientId,
      scope: 'read:subjects',
      token_type: 'Bearer',
      iss: 'http://issuer.test',
      aud: 'http://issuer.test',
      org_id: orgA,
    });
    expect(typeof body.exp).toBe('number');
    expect(typeof body.jti).toBe('string');
  });

  it('answers only active:false for another organisation’s token', async () => {
    const token = await tokenOf(caller);
    expect(await introspect(token, stranger as typeof caller)).toEqual({ active: false });
  });

  it('reports tokens of a revoked or disabled key inactive', async () => {
    const key = await t.newKey(orgA);
    const token = await tokenOf(key);
    await updateKey(t.ctx(), orgA, key.id, { enabled: false });
    expect(await introspect(token)).toEqual({ active: false });
    await updateKey(t.ctx(), orgA, key.id, { enabled: true });
    expect((await introspect(token)).active).toBe(true);
    await revokeKey(t.ctx(), orgA, key.id);
    expect(await introspect(token)).toEqual({ active: false });
  });

  it('reports expired, garbage and tampered tokens inactive', async () => {
    const token = await tokenOf(caller);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, scope: 'write:keys' })).toString('base64url')}.${s}`;
    expect(await introspect(tampered)).toEqual({ active: false });
    expect(await introspect('not-a-jwt')).toEqual({ active: false });
    t.clock.advance(301);
    expect(await introspect(token)).toEqual({ active: false });
    t.clock.advance(-301);
  });

  it('requires client authentication and a token parameter', async () => {
    const res = await postForm(t.app, '/introspect', { token: 'x' }, { ip: '198.18.0.1' });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toBe('invalid_client');
    const missing = await postForm(
      t.app,
      '/introspect',
      {},
      { auth: { id: caller.clientId, secret: caller.secret } },
    );
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toBe('invalid_request');
  });
});

describe('POST /revoke (RFC 7009)', () => {
  it('revokes a token of the caller’s organisation: introspection then says inactive', async () => {
    const key = await t.newKey(orgA);
    const token = await tokenOf(key);
    const res = await postForm(
      t.app,
      '/revoke',
      { token, token_type_hint: 'access_token' },
      {
        auth: { id: caller.clientId, secret: caller.secret },
      },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await introspect(token)).toEqual({ active: false });
    // The key itself still works: only that token is gone.
    expect((await requestToken(t.app, key)).status).toBe(200);
  });

  it('answers 200 but changes nothing for another organisation’s token', async () => {
    const token = await tokenOf(caller);
    const res = await postForm(
      t.app,
      '/revoke',
      { token },
      { auth: { id: stranger.clientId, secret: stranger.secret } },
    );
    expect(res.status).toBe(200);
    expect((await introspect(token)).active).toBe(true);
  });

  it('answers 200 for garbage and for an already revoked token', async () => {
    const token = await tokenOf(caller);
    const auth = { id: caller.clientId, secret: caller.secret };
    expect((await postForm(t.app, '/revoke', { token: 'garbage' }, { auth })).status).toBe(200);
    expect((await postForm(t.app, '/revoke', { token }, { auth })).status).toBe(200);
    expect((await postForm(t.app, '/revoke', { token }, { auth })).status).toBe(200);
  });

  it('requires client authentication and a token parameter', async () => {
    expect((await postForm(t.app, '/revoke', { token: 'x' }, { ip: '198.18.0.2' })).status).toBe(401);
    const res = await postForm(
      t.app,
      '/revoke',
      {},
      { auth: { id: caller.clientId, secret: caller.secret } },
    );
    expect((await res.json()).error).toBe('invalid_request');
  });
});
