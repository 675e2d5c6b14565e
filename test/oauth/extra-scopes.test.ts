import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// EXTRA_SCOPES widens the deployment's catalog (say, for an upstream's resources): the
// new scopes can be granted, expand from wildcards, appear in tokens and in metadata.
let t: TestApp;
let orgId: string;

beforeAll(async () => {
  t = await createTestApp({ EXTRA_SCOPES: 'read:reports, write:reports' });
  orgId = (await t.newOrg()).id;
});
afterAll(() => t?.close());

describe('EXTRA_SCOPES', () => {
  it('lists the extra scopes in the metadata after the built-in ones', async () => {
    const meta = await (await t.app.request('/.well-known/oauth-authorization-server')).json();
    expect(meta.scopes_supported).toEqual([
      'read:subjects',
      'write:subjects',
      'read:keys',
      'write:keys',
      'read:usage',
      'read:audit',
      'read:reports',
      'write:reports',
    ]);
  });

  it('grants an extra scope by name and through a wildcard', async () => {
    const named = await t.newKey(orgId, { scopes: ['read:reports'] });
    const namedBody = await (await requestToken(t.app, named)).json();
    expect(namedBody.scope).toBe('read:reports');
    expect(decodeJwt(namedBody.access_token).scope).toBe('read:reports');

    const wildcard = await t.newKey(orgId, { scopes: ['*:reports'] });
    const body = await (await requestToken(t.app, wildcard, { scope: 'write:reports' })).json();
    expect(body.scope).toBe('write:reports');
  });

  it('still refuses scopes outside the catalog', async () => {
    await expect(createKey(t.ctx(), orgId, { name: 'x', scopes: ['read:invoices'] })).rejects.toMatchObject({
      code: 'validation',
    });
  });
});

describe('EXTRA_SCOPES that are not scopes', () => {
  it('stops the start-up with a message naming the variable', async () => {
    await expect(createTestApp({ EXTRA_SCOPES: 'reports' })).rejects.toThrow(/EXTRA_SCOPES/);
  });
});
