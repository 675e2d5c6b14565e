import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { toKeyView } from '../../src/api-keys/key-view';
import { listKeys } from '../../src/api-keys/list-keys';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { isWellFormedSecret } from '../../src/api-keys/secrets';
import { crc32 } from '../../src/lib/crc32';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let orgId: string;
beforeAll(async () => {
  t = await createTestApp();
  orgId = (await t.newOrg('create', 1000)).id;
});
afterAll(() => t?.close());

const DAY = 86_400_000;
const create = (input: Record<string, unknown>) =>
  createKey(t.ctx(), orgId, { name: 'k', scopes: ['read:subjects'], ...input } as never);

describe('secrets', () => {
  it('have the kms_ format with a CRC-32 checksum, and a prefix+last-4 preview', async () => {
    const { key, secret } = await create({});
    expect(secret).toMatch(/^kms_[0-9A-Za-z]{49}$/);
    expect(secret).toHaveLength(53);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    let crc = 0;
    for (const ch of secret.slice(-6)) crc = crc * 62 + alphabet.indexOf(ch);
    expect(crc).toBe(crc32(secret.slice(0, -6)));
    expect(key.clientId).toMatch(/^km_[0-9A-Za-z]{22}$/);
    expect(toKeyView(key, t.clock.now()).secretPreview).toBe(`kms_…${secret.slice(-4)}`);
  });

  it('reject a one-character typo by checksum', async () => {
    const { secret } = await create({});
    const typo = `${secret.slice(0, 20)}${secret[20] === 'a' ? 'b' : 'a'}${secret.slice(21)}`;
    expect(isWellFormedSecret(secret)).toBe(true);
    expect(isWellFormedSecret(typo)).toBe(false);
  });

  it('are stored only as a SHA-256 digest: the secret is nowhere in the database', async () => {
    const { key, secret } = await create({ name: 'digest check' });
    await requestToken(t.app, { clientId: key.clientId, secret });
    await t.deps.usage.flush(t.deps.db);
    const rows = await t.deps.db.execute(sql`SELECT row_to_json(k)::text AS j FROM api_keys k`);
    const audit = await t.deps.db.execute(sql`SELECT row_to_json(a)::text AS j FROM audit_events a`);
    const dump = JSON.stringify([rows, audit]);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice(4, 40));
    const digest = `sha256:${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))).toString('hex')}`;
    expect(key.secretDigest).toBe(digest);
  });

  it('are never in a key view', async () => {
    const { key, secret } = await create({});
    const view = JSON.stringify(toKeyView(key, t.clock.now()));
    expect(view).not.toContain(secret);
    expect(view).not.toContain('sha256:');
  });
});

describe('expiry', () => {
  it('defaults to 90 days', async () => {
    const { key } = await create({});
    expect(key.expiresAt?.getTime()).toBe(t.clock.now().getTime() + 90 * DAY);
  });

  it('takes the presets and never', async () => {
    const days = { '30d': 30, '60d': 60, '90d': 90, '180d': 180, '1y': 365 };
    for (const [preset, d] of Object.entries(days)) {
      const { key } = await create({ expiresIn: preset });
      expect(key.expiresAt?.getTime()).toBe(t.clock.now().getTime() + d * DAY);
    }
    const { key } = await create({ expiresIn: 'never' });
    expect(key.expiresAt).toBeNull();
    expect(toKeyView(key, t.clock.now()).expiresAt).toBeNull();
  });

  it('takes an RFC 3339 instant in the future', async () => {
    const at = new Date(t.clock.now().getTime() + 3 * DAY);
    const { key } = await create({ expiresAt: at.toISOString().replace('Z', '+00:00') });
    expect(key.expiresAt?.getTime()).toBe(at.getTime());
  });

  it('refuses past instants, bad formats, unknown presets and both fields', async () => {
    const past = new Date(t.clock.now().getTime() - 1000).toISOString();
    for (const input of [
      { expiresAt: past },
      { expiresAt: '2030-13-01T00:00:00Z' },
      { expiresAt: 'tomorrow' },
      { expiresAt: '2030-01-01' },
      { expiresIn: '7d' },
      { expiresIn: '30d', expiresAt: '2099-01-01T00:00:00Z' },
    ]) {
      await expect(create(input)).rejects.toMatchObject({ code: 'validation' });
    }
  });
});

describe('fields', () => {
  it('validates names, scopes, lifetimes and CIDRs with per-field messages', async () => {
    await expect(create({ name: '' })).rejects.toMatchObject({
      code: 'validation',
      fields: [{ field: 'name' }],
    });
    await expect(create({ name: 'x'.repeat(101) })).rejects.toMatchObject({ code: 'validation' });
    await expect(create({ scopes: [] })).rejects.toMatchObject({ fields: [{ field: 'scopes' }] });
    await expect(create({ scopes: ['read'] })).rejects.toMatchObject({ fields: [{ field: 'scopes[0]' }] });
    await expect(create({ scopes: ['delete:keys'] })).rejects.toMatchObject({ code: 'validation' });
    await expect(create({ scopes: ['read:planets'] })).rejects.toMatchObject({ code: 'validation' });
    await expect(create({ tokenTtlSeconds: 59 })).rejects.toMatchObject({
      fields: [{ field: 'tokenTtlSeconds' }],
    });
    await expect(create({ tokenTtlSeconds: 3601 })).rejects.toMatchObject({ code: 'validation' });
    await expect(create({ allowedCidrs: ['10.0.0.1/8'] })).rejects.toMatchObject({
      fields: [{ field: 'allowedCidrs[0]' }],
    });
    await expect(create({ allowedCidrs: ['300.0.0.0/8'] })).rejects.toMatchObject({ code: 'validation' });
    await expect(create({ allowedCidrs: ['2001:db8::/129'] })).rejects.toMatchObject({ code: 'validation' });
  });

  it('normalises CIDRs and keeps wildcard grants as given', async () => {
    const { key } = await create({
      allowedCidrs: ['10.1.2.3', '2001:DB8:0:0::/64'],
      scopes: ['*:*', 'read:*'],
    });
    expect(key.allowedCidrs).toEqual(['10.1.2.3/32', '2001:db8::/64']);
    expect(key.scopes).toEqual(['*:*', 'read:*']);
  });

  it('expands wildcard grants to concrete catalog scopes in tokens', async () => {
    const { key, secret } = await create({ scopes: ['*:subjects', 'read:usage'] });
    const body = await (await requestToken(t.app, { clientId: key.clientId, secret })).json();
    expect(body.scope).toBe('read:subjects write:subjects read:usage');
    const all = await create({ scopes: ['*:*'] });
    const everything = await (
      await requestToken(t.app, { clientId: all.key.clientId, secret: all.secret })
    ).json();
    expect(everything.scope).toBe('read:subjects write:subjects read:keys write:keys read:usage read:audit');
  });
});

describe('listing', () => {
  it('filters by derived status, searches names, and pages with a cursor', async () => {
    const org = await t.newOrg(undefined, 100);
    const made = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1);
      made.push((await createKey(t.ctx(), org.id, { name: `deploy-${i}`, scopes: ['read:keys'] })).key);
    }
    t.clock.advance(1);
    await createKey(t.ctx(), org.id, { name: 'other_50%', scopes: ['read:keys'] });
    await revokeKey(t.ctx(), org.id, made[0]?.id as string);
    const now = t.clock.now();
    expect((await listKeys(t.deps.db, org.id, now, {})).items).toHaveLength(5);
    expect((await listKeys(t.deps.db, org.id, now, { status: 'revoked' })).items.map((k) => k.id)).toEqual([
      made[0]?.id,
    ]);
    expect((await listKeys(t.deps.db, org.id, now, { status: 'all' })).items).toHaveLength(6);
    expect((await listKeys(t.deps.db, org.id, now, { q: 'DEPLOY' })).items).toHaveLength(4);
    expect((await listKeys(t.deps.db, org.id, now, { q: '50%' })).items).toHaveLength(1);
    expect((await listKeys(t.deps.db, org.id, now, { q: '_' })).items).toHaveLength(1);

    const first = await listKeys(t.deps.db, org.id, now, { status: 'all', limit: 4 });
    expect(first.items.map((k) => k.name)).toEqual(['other_50%', 'deploy-4', 'deploy-3', 'deploy-2']);
    const second = await listKeys(t.deps.db, org.id, now, {
      status: 'all',
      limit: 4,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((k) => k.name)).toEqual(['deploy-1', 'deploy-0']);
    expect(second.nextCursor).toBeNull();

    await expect(listKeys(t.deps.db, org.id, now, { status: 'bogus' })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(listKeys(t.deps.db, org.id, now, { cursor: 'nonsense' })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(listKeys(t.deps.db, org.id, now, { limit: 0 })).rejects.toMatchObject({
      code: 'validation',
    });
  });
});
