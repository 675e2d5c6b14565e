import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { listKeys } from '../../src/api-keys/list-keys';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { updateKey } from '../../src/api-keys/update-key';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('at most 10 active-or-disabled keys per organisation', () => {
  it('gives exactly 10 successes to 50 simultaneous creates on an empty org', async () => {
    const org = await t.newOrg();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        createKey(t.ctx(), org.id, { name: `k${i}`, scopes: ['read:subjects'] }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'active-key-limit' });
    const all = await listKeys(t.deps.db, org.id, t.clock.now(), { status: 'all', limit: 100 });
    expect(all.items).toHaveLength(10);
  });

  it('counts disabled keys, and frees a slot on revoke or expiry', async () => {
    const org = await t.newOrg();
    const keys = [];
    for (let i = 0; i < 9; i++) keys.push(await t.newKey(org.id));
    const short = await t.newKey(org.id, { expiresIn: '30d' });
    await updateKey(t.ctx(), org.id, keys[0]?.id as string, { enabled: false });
    await expect(t.newKey(org.id)).rejects.toMatchObject({ code: 'active-key-limit' });

    await revokeKey(t.ctx(), org.id, keys[1]?.id as string);
    await t.newKey(org.id); // the revoked key's slot
    await expect(t.newKey(org.id)).rejects.toMatchObject({ code: 'active-key-limit' });

    t.clock.advance(31 * 86400);
    try {
      expect(short.id).toBeTruthy();
      await t.newKey(org.id); // the expired key's slot
    } finally {
      t.clock.advance(-31 * 86400);
    }
  });

  it('follows the organisation’s own limit', async () => {
    const org = await t.newOrg(undefined, 2);
    await t.newKey(org.id);
    await t.newKey(org.id);
    await expect(t.newKey(org.id)).rejects.toMatchObject({
      code: 'active-key-limit',
      detail: expect.stringContaining('limit 2'),
    });
  });
});
