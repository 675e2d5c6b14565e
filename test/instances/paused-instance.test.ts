import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeKey } from '../../src/api-keys/revoke-key';
import { keymintInstances, keymintState } from '../../src/db/schema/index';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { type FreezableInstance, startFreezableInstance } from './freezable-instance';

// An instance whose change watcher hangs (its connection stops answering, its process is
// paused) can neither acknowledge changes nor renew its lease. A revoke elsewhere does
// not wait for it beyond the lease, and by then it has stopped serving from memory.
let a: TestApp;
let c: FreezableInstance;
let orgId: string;

beforeAll(async () => {
  a = await createTestApp();
  c = await startFreezableInstance(a);
  orgId = (await a.newOrg()).id;
});
afterAll(async () => {
  await c?.stop();
  await a?.close();
});

const changeSeq = async () =>
  (
    await a.deps.db.select({ seq: keymintState.changeSeq }).from(keymintState).where(eq(keymintState.id, 1))
  )[0]?.seq;
const ackedBy = async (id: string) =>
  (
    await a.deps.db
      .select({ seq: keymintInstances.ackedSeq })
      .from(keymintInstances)
      .where(eq(keymintInstances.id, id))
  )[0]?.seq;

describe('an instance whose change watcher hangs', () => {
  it('delays a revoke by at most its lease, and by then refuses the key although it still holds it', async () => {
    const key = await a.newKey(orgId, { scopes: ['read:subjects'] });
    expect((await requestToken(c.app, key)).status).toBe(200);
    expect(c.deps.instance.current()).toBe(true);
    const held = c.deps.keyCache.size().entries;
    expect(held).toBeGreaterThan(0);

    c.freeze();
    const started = performance.now();
    await revokeKey(a.ctx(), orgId, key.id);
    console.log(`revoke answered ${Math.round(performance.now() - started)} ms after it started, C frozen`);

    // The revoke was answered without C's acknowledgement: C never saw the change...
    expect(await ackedBy(c.deps.instance.id)).toBeLessThan((await changeSeq()) as number);
    expect(c.deps.keyCache.size().entries).toBe(held);
    // ...yet its lease is over, so it reads the database and refuses.
    expect(c.deps.instance.current()).toBe(false);
    const res = await requestToken(c.app, key);
    expect(res.status).toBe(401);
    expect((await res.json()).error_description).toMatch(/^key revoked at/);
  });
});
