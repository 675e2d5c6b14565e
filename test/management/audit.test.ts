import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { api, bearer, signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let org: { id: string; slug: string };
let auditor: string;

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg('audited');
  auditor = await bearer(t, org.id, ['read:audit']);
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: 'ada@example.com',
    password: 'analytical engine',
    orgId: org.id,
    role: 'admin',
  });
});
afterAll(() => t?.close());

const events = async (query = '') =>
  (await (await api(t, 'GET', `/orgs/${org.slug}/audit-events${query}`, { token: auditor })).json()) as {
    items: {
      action: string;
      actor: { type: string; id: string };
      target: { type: string; id: string };
      ip: string;
      userAgent: string;
      details: Record<string, unknown>;
    }[];
    nextCursor: string | null;
  };

describe('the audit log', () => {
  it('records every key action with actor, address and user agent, newest first', async () => {
    const session = await signIn(t, 'ada@example.com', 'analytical engine');
    const headers = { 'user-agent': 'audit-test/1.0' };
    const created = await (
      await api(t, 'POST', `/orgs/${org.slug}/keys`, {
        session,
        headers,
        body: { name: 'ci', scopes: ['read:keys'] },
      })
    ).json();
    const path = `/orgs/${org.slug}/keys/${created.id}`;
    t.clock.advance(1);
    await api(t, 'PATCH', path, { session, headers, body: { name: 'ci-2' } });
    t.clock.advance(1);
    await api(t, 'PATCH', path, { session, headers, body: { scopes: ['read:keys', 'read:usage'] } });
    t.clock.advance(1);
    await api(t, 'PATCH', path, { session, headers, body: { enabled: false } });
    t.clock.advance(1);
    await api(t, 'PATCH', path, { session, headers, body: { enabled: true } });
    t.clock.advance(1);
    await api(t, 'POST', `${path}/rotate`, { session, headers });
    t.clock.advance(1);
    await api(t, 'POST', `${path}/revoke`, { session, headers });
    t.clock.advance(1);
    expect((await api(t, 'DELETE', path, { session, headers })).status).toBe(204);

    const { items } = await events(`?targetId=${created.id}`);
    expect(items.map((e) => e.action)).toEqual([
      'key.deleted',
      'key.revoked',
      'key.rotated',
      'key.enabled',
      'key.disabled',
      'key.scopes_changed',
      'key.renamed',
      'key.created',
    ]);
    for (const e of items) {
      expect(e.actor.type).toBe('user');
      expect(e.target).toEqual({ type: 'key', id: created.id });
      expect(e.ip).toBe('203.0.113.50');
      expect(e.userAgent).toBe('audit-test/1.0');
    }
    expect(items.find((e) => e.action === 'key.renamed')?.details).toMatchObject({ from: 'ci', to: 'ci-2' });
  });

  it('names a key acting through its token by clientId', async () => {
    const writer = await t.newKey(org.id, { scopes: ['read:keys', 'write:keys'] });
    const res = await (await import('../helpers/oauth-client')).requestToken(t.app, writer, {
      scope: 'read:keys write:keys',
    });
    const token = (await res.json()).access_token;
    const created = await (
      await api(t, 'POST', `/orgs/${org.slug}/keys`, {
        token,
        body: { name: 'by key', scopes: ['read:keys'] },
      })
    ).json();
    const { items } = await events(`?targetId=${created.id}`);
    expect(items[0]).toMatchObject({ action: 'key.created', actor: { type: 'key', id: writer.clientId } });
  });

  it('records sign-ins and failed sign-ins', async () => {
    auditor = await bearer(t, org.id, ['read:audit']);
    await signIn(t, 'ada@example.com', 'analytical engine');
    t.clock.advance(1);
    const failed = await api(t, 'POST', '/session', {
      body: { email: 'ada@example.com', password: 'wrong password!' },
    });
    expect(failed.status).toBe(401);
    const { items } = await events('?action=user.*');
    expect(items.map((e) => e.action).slice(0, 2)).toEqual(['user.sign_in_failed', 'user.signed_in']);
    expect(JSON.stringify(items)).not.toContain('wrong password!');
  });

  it('filters and pages', async () => {
    auditor = await bearer(t, org.id, ['read:audit']);
    const all: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await events(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      all.push(...page.items.map((e) => e.action));
      cursor = page.nextCursor;
    }
    expect(all.length).toBeGreaterThan(10);
    expect(all).toEqual((await events('?limit=200')).items.map((e) => e.action));
    const keyEvents = await events('?action=key.created');
    expect(keyEvents.items.every((e) => e.action === 'key.created')).toBe(true);
  });
});
