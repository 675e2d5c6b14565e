import { describe, expect, it } from 'vitest';
import { KeyCache } from '../../src/api-keys/key-cache';
import type { ApiKeyRow } from '../../src/db/schema/index';

// The key cache alone: what it keeps, for how long, and within which bounds.
const now = new Date('2026-03-01T12:00:00Z');
const leased = { current: () => true };
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

function row(n: number, o: Partial<ApiKeyRow> = {}): ApiKeyRow {
  return {
    id: `key_${String(n).padStart(20, '0')}`,
    orgId: 'org_00000000000000000000',
    name: 'ci key',
    clientId: `km_${String(n).padStart(22, '0')}`,
    secretDigest: digest(n),
    secretPreview: 'kms_…abcd',
    previousSecretDigest: null,
    previousValidUntil: null,
    scopes: ['read:subjects'],
    allowedCidrs: [],
    tokenTtlSeconds: null,
    enabled: true,
    expiresAt: null,
    createdAt: now,
    createdBy: 'operator',
    lastUsedAt: null,
    lastUsedIp: null,
    rotatedAt: null,
    revokedAt: null,
    deletedAt: null,
    ...o,
  } as ApiKeyRow;
}

function fill(cache: KeyCache, from: number, to: number) {
  for (let n = from; n <= to; n++) cache.remember(cache.ticket(), row(n).clientId, digest(n), row(n), now);
}
const has = (cache: KeyCache, n: number) => cache.get(row(n).clientId, digest(n), now) !== undefined;

describe('KeyCache', () => {
  it('holds at most maxEntries, dropping the least recently used first', () => {
    const cache = new KeyCache(leased, 3);
    fill(cache, 1, 3);
    expect(has(cache, 1)).toBe(true); // 1 is now the most recently used
    fill(cache, 4, 5);
    expect(cache.size().entries).toBe(3);
    expect([1, 2, 3, 4, 5].filter((n) => has(cache, n))).toEqual([1, 4, 5]);
  });

  it('holds at most maxBytes of estimated memory', () => {
    const one = new KeyCache(leased);
    fill(one, 1, 1);
    const perEntry = one.size().bytes;
    expect(perEntry).toBeGreaterThan(1000);
    const cache = new KeyCache(leased, 1_000_000, perEntry * 10);
    fill(cache, 1, 1000);
    expect(cache.size().entries).toBe(10);
    expect(cache.size().bytes).toBeLessThanOrEqual(perEntry * 10);
    expect(has(cache, 1000)).toBe(true);
    expect(has(cache, 990)).toBe(false);
  });

  it('answers only for the client id and digest that proved the key', () => {
    const cache = new KeyCache(leased);
    fill(cache, 1, 1);
    expect(cache.get(row(1).clientId, digest(2), now)).toBeUndefined();
    expect(cache.get(row(2).clientId, digest(1), now)).toBeUndefined();
    expect(cache.get(row(1).clientId, digest(1), now)?.id).toBe(row(1).id);
  });

  it('serves nothing, and learns nothing, while the lease is not current', () => {
    let current = true;
    const cache = new KeyCache({ current: () => current });
    fill(cache, 1, 1);
    current = false;
    expect(has(cache, 1)).toBe(false);
    fill(cache, 2, 2);
    current = true;
    expect(has(cache, 1)).toBe(true);
    expect(has(cache, 2)).toBe(false);
  });

  it('forgets everything on drop, and a read that started before the drop is not remembered', () => {
    const cache = new KeyCache(leased);
    fill(cache, 1, 2);
    const ticket = cache.ticket();
    cache.drop();
    expect(cache.size()).toEqual({ entries: 0, bytes: 0 });
    cache.remember(ticket, row(3).clientId, digest(3), row(3), now);
    expect(has(cache, 3)).toBe(false);
  });

  it("keeps a key proven during a rotation's grace only until the grace ends", () => {
    const cache = new KeyCache(leased);
    const graceEnds = new Date(now.getTime() + 60_000);
    const key = row(1, { previousSecretDigest: digest(9), previousValidUntil: graceEnds });
    cache.remember(cache.ticket(), key.clientId, digest(9), key, now);
    expect(cache.get(key.clientId, digest(9), new Date(graceEnds.getTime() - 1))).toBeDefined();
    expect(cache.get(key.clientId, digest(9), graceEnds)).toBeUndefined();
    expect(cache.size().entries).toBe(0);
  });
});
