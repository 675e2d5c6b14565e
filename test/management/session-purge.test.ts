import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { SESSION_TTL_SECONDS } from '../../src/auth/sessions';
import { createUser } from '../../src/auth/users';
import { startBackground } from '../../src/background';
import { sessions } from '../../src/db/schema/index';
import { signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Expired console sessions do not pile up: the maintenance schedule deletes them.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  const org = await t.newOrg();
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: 'old@session.example',
    password: 'correct horse battery',
    orgId: org.id,
    role: 'viewer',
  });
});
afterAll(() => t?.close());

describe('expired sessions', () => {
  it('are deleted by the background schedule, while live ones stay', async () => {
    await signIn(t, 'old@session.example', 'correct horse battery');
    t.clock.advance(SESSION_TTL_SECONDS + 1);
    await signIn(t, 'old@session.example', 'correct horse battery');
    expect(await t.deps.db.select().from(sessions)).toHaveLength(2);
    const stop = await startBackground(t.deps, { rotationCheckMs: 20, usageFlushMs: 60_000 });
    try {
      await vi.waitFor(async () => expect(await t.deps.db.select().from(sessions)).toHaveLength(1));
    } finally {
      await stop();
    }
    const [left] = await t.deps.db.select().from(sessions);
    expect(left?.expiresAt.getTime()).toBeGreaterThan(t.clock.now().getTime());
  });
});
