import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { rotateKey } from '../../src/api-keys/rotate-key';
import { updateKey } from '../../src/api-keys/update-key';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let orgId: string;

beforeAll(async () => {
  t = await createTestApp();
});
// A fresh org per test keeps each one well under the 10-key limit.
beforeEach(async () => {
  orgId = (await t.newOrg()).id;
});
afterAll(() => t?.close());

let n = 0;
const ip = () => `192.0.2.${++n}`;

async function refused(key: { clientId: string; secret: string }, o: { ip?: string } = {}) {
  const res = await requestToken(t.app, key, {}, { ip: o.ip ?? ip() });
  expect(res.status).toBe(401);
  const body = await res.json();
  expect(body.error).toBe('invalid_client');
  return body.error_description as string;
}

describe('only active keys obtain tokens', () => {
  it('refuses a revoked key from the moment revoke returns, saying why', async () => {
    const key = await t.newKey(orgId);
    expect((await requestToken(t.app, key)).status).toBe(200);
    await revokeKey(t.ctx(), orgId, key.id);
    expect(await refused(key)).toMatch(/^key revoked at \d{4}-/);
  });

  it('refuses a disabled key and serves it again once enabled', async () => {
    const key = await t.newKey(orgId);
    await updateKey(t.ctx(), orgId, key.id, { enabled: false });
    expect(await refused(key)).toBe('key is disabled');
    await updateKey(t.ctx(), orgId, key.clientId, { enabled: true });
    expect((await requestToken(t.app, key)).status).toBe(200);
  });

  it('refuses an expired key, naming the expiry', async () => {
    const key = await t.newKey(orgId, { expiresIn: '30d' });
    t.clock.advance(30 * 86400 + 1);
    try {
      expect(await refused(key)).toMatch(/^key expired at \d{4}-/);
    } finally {
      t.clock.advance(-(30 * 86400 + 1));
    }
  });

  it('never lets a token outlive its key', async () => {
    const key = await t.newKey(orgId, {
      expiresAt: new Date(t.clock.now().getTime() + 120_000).toISOString(),
    });
    const body = await (await requestToken(t.app, key)).json();
    expect(body.expires_in).toBe(120);
    const claims = decodeJwt(body.access_token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
  });

  it('uses the key’s own token lifetime', async () => {
    const key = await t.newKey(orgId, { tokenTtlSeconds: 900 });
    const body = await (await requestToken(t.app, key)).json();
    expect(body.expires_in).toBe(900);
  });

  it('hides why a key is refused from a caller without the secret', async () => {
    const key = await t.newKey(orgId);
    await revokeKey(t.ctx(), orgId, key.id);
    const other = await t.newKey(orgId);
    expect(await refused({ clientId: key.clientId, secret: other.secret })).toBe(
      'client authentication failed',
    );
  });
});

describe('allowed CIDRs', () => {
  it('matches IPv4 and IPv6 lists independently', async () => {
    const key = await t.newKey(orgId, { allowedCidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    expect((await requestToken(t.app, key, {}, { ip: '203.0.113.77' })).status).toBe(200);
    expect((await requestToken(t.app, key, {}, { ip: '::ffff:203.0.113.78' })).status).toBe(200);
    expect((await requestToken(t.app, key, {}, { ip: '2001:db8:1::5' })).status).toBe(200);
    expect(await refused(key, { ip: '198.51.100.200' })).toContain('198.51.100.200');
    expect(await refused(key, { ip: '2001:db9::1' })).toContain('not allowed');
  });

  it('lets any address in when the list is empty', async () => {
    const key = await t.newKey(orgId, { allowedCidrs: [] });
    expect((await requestToken(t.app, key, {}, { ip: '2001:db8::1' })).status).toBe(200);
  });
});

describe('rotation', () => {
  it('stops the old secret at once without a grace period', async () => {
    const key = await t.newKey(orgId);
    const { secret } = await rotateKey(t.ctx(), orgId, key.id);
    expect(secret).not.toBe(key.secret);
    await refused(key);
    expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(200);
  });

  it('lets both secrets work during the grace period, then only the new one', async () => {
    const key = await t.newKey(orgId);
    const { secret, key: row } = await rotateKey(t.ctx(), orgId, key.clientId, 600);
    expect(row.rotatedAt?.getTime()).toBe(t.clock.now().getTime());
    expect((await requestToken(t.app, key)).status).toBe(200);
    expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(200);
    t.clock.advance(601);
    try {
      await refused(key);
      expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(200);
    } finally {
      t.clock.advance(-601);
    }
  });

  it('ends a grace period when the key is rotated again', async () => {
    const key = await t.newKey(orgId);
    await rotateKey(t.ctx(), orgId, key.id, 600);
    const { secret } = await rotateKey(t.ctx(), orgId, key.id);
    await refused(key);
    expect((await requestToken(t.app, { clientId: key.clientId, secret })).status).toBe(200);
  });

  it('refuses grace periods outside 0..86400 and rotating a revoked key', async () => {
    const key = await t.newKey(orgId);
    await expect(rotateKey(t.ctx(), orgId, key.id, 86401)).rejects.toMatchObject({ code: 'validation' });
    await expect(rotateKey(t.ctx(), orgId, key.id, -1)).rejects.toMatchObject({ code: 'validation' });
    await revokeKey(t.ctx(), orgId, key.id);
    await expect(rotateKey(t.ctx(), orgId, key.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('revoking during a grace period stops both secrets', async () => {
    const key = await t.newKey(orgId);
    const { secret } = await rotateKey(t.ctx(), orgId, key.id, 600);
    await revokeKey(t.ctx(), orgId, key.id);
    await refused(key);
    await refused({ clientId: key.clientId, secret });
  });
});
