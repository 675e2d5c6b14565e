import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { basicAuth, postForm, requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let key: { id: string; clientId: string; secret: string };

beforeAll(async () => {
  t = await createTestApp();
  const org = await t.newOrg('errors');
  key = await t.newKey(org.id, { scopes: ['read:subjects', 'read:keys'] });
});
afterAll(() => t?.close());

/** Every RFC 6749 §5.2 error: the status, the code, JSON, no-store. */
async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  const body = await res.json();
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
  return body as { error: string; error_description: string };
}

// Each failing-auth test uses its own address: the throttle counts per address.
let ip = 0;
const nextIp = () => `198.51.100.${++ip}`;

describe('invalid_request', () => {
  it('refuses a missing grant_type', async () => {
    await expectError(
      await postForm(t.app, '/token', {}, { auth: { id: key.clientId, secret: key.secret } }),
      400,
      'invalid_request',
    );
  });

  it('refuses a parameter sent twice', async () => {
    const res = await postForm(
      t.app,
      '/token',
      'grant_type=client_credentials&scope=read:keys&scope=read:subjects',
      {
        auth: { id: key.clientId, secret: key.secret },
      },
    );
    const body = await expectError(res, 400, 'invalid_request');
    expect(body.error_description).toContain('scope');
  });

  it('refuses a body that is not form-encoded', async () => {
    const res = await t.app.request('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basicAuth(key.clientId, key.secret) },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    await expectError(res, 400, 'invalid_request');
  });

  it('refuses Basic and client_secret_post together', async () => {
    const res = await postForm(
      t.app,
      '/token',
      { grant_type: 'client_credentials', client_id: key.clientId, client_secret: key.secret },
      { auth: { id: key.clientId, secret: key.secret } },
    );
    await expectError(res, 400, 'invalid_request');
  });

  it('refuses audience and resource together', async () => {
    const res = await requestToken(t.app, key, {
      audience: 'http://issuer.test',
      resource: 'http://issuer.test',
    });
    await expectError(res, 400, 'invalid_request');
  });

  it('answers 413 for a body over 64 KiB, announced or streamed', async () => {
    const big = `grant_type=client_credentials&pad=${'a'.repeat(70 * 1024)}`;
    const announced = await postForm(t.app, '/token', big, {
      auth: { id: key.clientId, secret: key.secret },
    });
    expect(announced.status).toBe(413);
    expect((await announced.json()).error).toBe('invalid_request');
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 80; i++) controller.enqueue(new TextEncoder().encode('a'.repeat(1024)));
        controller.close();
      },
    });
    const streamed = await t.app.request('/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('accepts a body just under the limit', async () => {
    const body = `grant_type=client_credentials&pad=${'a'.repeat(60 * 1024)}`;
    const res = await postForm(t.app, '/token', body, { auth: { id: key.clientId, secret: key.secret } });
    expect(res.status).toBe(200);
  });
});

describe('unsupported_grant_type', () => {
  it('refuses other grants', async () => {
    for (const grant of [
      'password',
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]) {
      const res = await postForm(
        t.app,
        '/token',
        { grant_type: grant },
        { auth: { id: key.clientId, secret: key.secret } },
      );
      await expectError(res, 400, 'unsupported_grant_type');
    }
  });
});

describe('invalid_client', () => {
  it('refuses a request with no client authentication', async () => {
    await expectError(
      await postForm(t.app, '/token', { grant_type: 'client_credentials' }, { ip: nextIp() }),
      401,
      'invalid_client',
    );
  });

  it('answers an unknown client and a wrong secret identically', async () => {
    const unknown = await requestToken(
      t.app,
      { clientId: 'km_0000000000000000000000', secret: key.secret },
      {},
      { ip: nextIp() },
    );
    const wrong = await requestToken(
      t.app,
      {
        clientId: key.clientId,
        // Well-formed, not this key's: a malformed one is told apart (test/api-keys/import-key.test.ts).
        secret: generateSecret(),
      },
      {},
      { ip: nextIp() },
    );
    const a = await expectError(unknown, 401, 'invalid_client');
    const b = await expectError(wrong, 401, 'invalid_client');
    expect(a).toEqual(b);
    expect([...unknown.headers.entries()].filter(([h]) => h !== 'date')).toEqual(
      [...wrong.headers.entries()].filter(([h]) => h !== 'date'),
    );
  });

  it('answers a well-formed but wrong secret like an unknown client', async () => {
    const other = await t.newKey((await t.newOrg()).id);
    const res = await requestToken(
      t.app,
      { clientId: key.clientId, secret: other.secret },
      {},
      { ip: nextIp() },
    );
    expect((await expectError(res, 401, 'invalid_client')).error_description).toBe(
      'client authentication failed',
    );
  });

  it('refuses malformed Basic credentials', async () => {
    for (const authorization of ['Basic !!!', 'Basic', 'Bearer abc', `Basic ${btoa('no-colon')}`]) {
      const res = await postForm(
        t.app,
        '/token',
        { grant_type: 'client_credentials' },
        { headers: { authorization }, ip: nextIp() },
      );
      await expectError(res, 401, 'invalid_client');
    }
  });

  it('refuses client_secret_post with the secret missing', async () => {
    const res = await postForm(
      t.app,
      '/token',
      { grant_type: 'client_credentials', client_id: key.clientId },
      { ip: nextIp() },
    );
    await expectError(res, 401, 'invalid_client');
  });

  it('decodes form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    // Our ids and secrets are base62, so encoding changes nothing; a raw '+' must decode to a space.
    const res = await postForm(
      t.app,
      '/token',
      { grant_type: 'client_credentials' },
      {
        headers: { authorization: `Basic ${btoa(`${key.clientId}:${key.secret.slice(0, 10)}+x`)}` },
        ip: nextIp(),
      },
    );
    await expectError(res, 401, 'invalid_client');
  });
});

describe('invalid_scope and invalid_target', () => {
  it('refuses a scope the grant does not cover', async () => {
    const body = await expectError(
      await requestToken(t.app, key, { scope: 'read:subjects write:subjects' }),
      400,
      'invalid_scope',
    );
    expect(body.error_description).toContain('write:subjects');
  });

  it('refuses a scope outside the catalog and wildcard requests', async () => {
    await expectError(await requestToken(t.app, key, { scope: 'read:planets' }), 400, 'invalid_scope');
    await expectError(await requestToken(t.app, key, { scope: 'read:*' }), 400, 'invalid_scope');
  });

  it('accepts and ignores openid', async () => {
    const res = await requestToken(t.app, key, { scope: 'openid read:keys' });
    expect(res.status).toBe(200);
    expect((await res.json()).scope).toBe('read:keys');
  });

  it('refuses an unknown audience or resource', async () => {
    await expectError(
      await requestToken(t.app, key, { audience: 'https://elsewhere.example' }),
      400,
      'invalid_target',
    );
    await expectError(
      await requestToken(t.app, key, { resource: 'https://elsewhere.example' }),
      400,
      'invalid_target',
    );
    await expectError(await requestToken(t.app, key, { resource: 'not a uri' }), 400, 'invalid_target');
    await expectError(
      await requestToken(t.app, key, { resource: 'http://issuer.test#frag' }),
      400,
      'invalid_target',
    );
  });

  it('accepts the API audience as audience or resource', async () => {
    for (const param of ['audience', 'resource']) {
      const res = await requestToken(t.app, key, { [param]: 'http://issuer.test' });
      expect(res.status).toBe(200);
    }
  });

  it('treats a resource that differs from the API audience only by a trailing slash as that audience', async () => {
    const res = await requestToken(t.app, key, { resource: 'http://issuer.test/' });
    expect(res.status).toBe(200);
    const { access_token } = await res.json();
    expect(JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString()).aud).toBe(
      'http://issuer.test',
    );
    const other = await requestToken(t.app, key, { resource: 'http://issuer.test/other' });
    expect(other.status).toBe(400);
  });
});

describe('method and path', () => {
  it('answers GET /token with 404 JSON rather than a crash', async () => {
    const res = await t.app.request('/token');
    expect(res.status).toBe(404);
  });
});
