import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { usageHourly } from '../../src/db/schema/index';
import { api, bearer } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let org: { id: string; slug: string };
let reader: string;
// Tests move the clock; a fresh token per test keeps the caller valid.
beforeEach(async () => {
  reader = await bearer(t, org.id, ['read:usage']);
});

beforeAll(async () => {
  t = await createTestApp();
  org = await t.newOrg('usage', 100);
});
afterAll(() => t?.close());

describe('usage', () => {
  it('counts exactly 1,000 issued tokens after a flush, per key and org-wide', async () => {
    const key = await t.newKey(org.id);
    const before = await (await api(t, 'GET', `/orgs/${org.slug}/usage`, { token: reader })).json();
    for (let i = 0; i < 1000; i++) {
      const res = await requestToken(t.app, key, {}, { ip: '198.51.100.7' });
      if (res.status !== 200) throw new Error(`token ${i}: ${res.status}`);
    }
    // Nothing is written per token request…
    expect(await t.deps.db.select().from(usageHourly).where(eq(usageHourly.keyId, key.id))).toEqual([]);
    // …the API flushes what is buffered before it answers.
    const perKey = await (
      await api(t, 'GET', `/orgs/${org.slug}/keys/${key.id}/usage`, { token: reader })
    ).json();
    expect(perKey.totals).toEqual({ issued: 1000, refused: 0 });
    expect(perKey.granularity).toBe('hour');
    expect(perKey.buckets).toHaveLength(24);
    expect(perKey.buckets.at(-1)).toMatchObject({ issued: 1000, refused: 0 });
    const orgWide = await (await api(t, 'GET', `/orgs/${org.slug}/usage`, { token: reader })).json();
    expect(orgWide.totals.issued - before.totals.issued).toBe(1000);
  });

  it('counts refused requests of a known key, and records last use', async () => {
    const key = await t.newKey(org.id);
    await requestToken(t.app, key, {}, { ip: '2001:db8::7' });
    const other = await t.newKey(org.id);
    await requestToken(t.app, { clientId: key.clientId, secret: other.secret }, {}, { ip: '198.51.100.8' });
    const res = await api(t, 'GET', `/orgs/${org.slug}/keys/${key.clientId}/usage?granularity=day`, {
      token: reader,
    });
    const body = await res.json();
    expect(body.totals).toEqual({ issued: 1, refused: 1 });
    expect(body.buckets).toHaveLength(30);
    const view = await (
      await api(t, 'GET', `/orgs/${org.slug}/keys/${key.id}`, {
        token: await bearer(t, org.id, ['read:keys']),
      })
    ).json();
    expect(view.lastUsedIp).toBe('2001:db8::7');
    expect(view.lastUsedAt).toBe(t.clock.now().toISOString());
  });

  it('buckets by hour over a chosen window', async () => {
    const key = await t.newKey(org.id);
    await requestToken(t.app, key);
    t.clock.advance(3600);
    await requestToken(t.app, key);
    await requestToken(t.app, key);
    reader = await bearer(t, org.id, ['read:usage']);
    const now = t.clock.now();
    const from = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
    const to = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
    const body = await (
      await api(t, 'GET', `/orgs/${org.slug}/keys/${key.id}/usage?from=${from}&to=${to}`, { token: reader })
    ).json();
    expect(body.buckets.map((b: { issued: number }) => b.issued)).toEqual([1, 2]);
    expect(body.buckets[0].start).toBe(from);
  });

  it('refuses impossible windows', async () => {
    for (const q of [
      'granularity=week',
      'from=yesterday',
      'from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z',
      'from=2020-01-01T00:00:00Z&granularity=hour',
    ]) {
      const res = await api(t, 'GET', `/orgs/${org.slug}/usage?${q}`, { token: reader });
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });

  it('keeps what was counted when the server shuts down cleanly', async () => {
    const key = await t.newKey(org.id);
    for (let i = 0; i < 5; i++) await requestToken(t.app, key);
    expect(t.deps.usage.pending).toBeGreaterThan(0);
    await t.deps.usage.flush(t.deps.db); // what startBackground's stop does on SIGTERM
    expect(t.deps.usage.pending).toBe(0);
    const body = await (
      await api(t, 'GET', `/orgs/${org.slug}/keys/${key.id}/usage`, { token: reader })
    ).json();
    expect(body.totals.issued).toBe(5);
  });
});
