import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { threadPoolHasher } from '../../src/auth/bcrypt-thread-pool';
import { inlineHasher } from '../../src/auth/password-hasher';
import { DomainError } from '../../src/lib/domain-error';

const pool = threadPoolHasher(4, 2);
afterAll(() => pool.close?.());

describe('bcrypt off the event loop', () => {
  it('hashes on worker threads with the configured cost, verifiable by bcryptjs', async () => {
    const hash = await pool.hash('correct horse battery');
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await bcrypt.compare('correct horse battery', hash)).toBe(true);
    expect(await pool.verify('correct horse battery', hash)).toBe(true);
    expect(await pool.verify('wrong horse battery', hash)).toBe(false);
  });

  it('keeps the event loop free while a slow hash runs', async () => {
    const slow = threadPoolHasher(12, 1);
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      await slow.hash('x'.repeat(20)); // ~250 ms of bcrypt on the worker
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(10);
    } finally {
      await slow.close?.();
    }
  });

  it('refuses work beyond its bounded queue instead of piling it up', async () => {
    const tiny = inlineHasher(10, 1, 2);
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => tiny.hash('some password')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(DomainError);
      expect(reason).toMatchObject({ code: 'unavailable', retryAfter: 1 });
    }
  });
});
