import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { api, bearer, signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem } from './problems';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
});
afterAll(() => t?.close());

/** 50 simultaneous creates through the API against an org that already holds 3 keys. */
async function race(orgSlug: string, caller: Parameters<typeof api>[3]) {
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      api(t, 'POST', `/orgs/${orgSlug}/keys`, {
        ...caller,
        body: { name: `racer ${i}`, scopes: ['read:keys'] },
      }),
    ),
  );
  const created = responses.filter((r) => r.status === 201);
  const refused = responses.filter((r) => r.status === 409);
  expect(responses.map((r) => r.status).filter((s) => s !== 201 && s !== 409)).toEqual([]);
  expect(created).toHaveLength(7);
  expect(refused).toHaveLength(43);
  for (const r of refused) {
    const p = await expectProblem(r, 409, 'active-key-limit');
    expect(p.detail).toMatch(/10/);
  }
  const ids = await Promise.all(created.map(async (r) => (await r.json()).id as string));
  expect(new Set(ids).size).toBe(7);

  const list = await api(t, 'GET', `/orgs/${orgSlug}/keys?limit=100`, caller);
  expect(list.status).toBe(200);
  const { items } = await list.json();
  expect(items).toHaveLength(10);
  expect(items.every((k: { status: string }) => k.status === 'active')).toBe(true);
  const all = await api(t, 'GET', `/orgs/${orgSlug}/keys?status=all&limit=100`, caller);
  expect((await all.json()).items).toHaveLength(10);
}

describe('the active-key limit under 50 concurrent API creates', () => {
  it('an admin session: exactly 7 of 50 succeed against an org holding 3 keys', async () => {
    const org = await t.newOrg('limit-session');
    for (let i = 0; i < 3; i++) await t.newKey(org.id, { name: `existing ${i}` });
    await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email: 'admin@limit.example',
      password: 'correct horse battery',
      orgId: org.id,
      role: 'admin',
    });
    await race(org.slug, { session: await signIn(t, 'admin@limit.example', 'correct horse battery') });
  });

  it('a write:keys token (its own key being one of the 3): exactly 7 of 50 succeed', async () => {
    const org = await t.newOrg('limit-token');
    for (let i = 0; i < 2; i++) await t.newKey(org.id, { name: `existing ${i}` });
    await race(org.slug, { token: await bearer(t, org.id, ['read:keys', 'write:keys']) });
  });
});
