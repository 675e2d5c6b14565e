import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let key: { clientId: string; secret: string };
beforeAll(async () => {
  t = await createTestApp();
  key = await t.newKey((await t.newOrg()).id);
});
afterAll(() => t?.close());

const wrong = () => ({ clientId: key.clientId, secret: 'kms_not-even-well-formed' });

describe('failed client authentication is throttled per source address', () => {
  it('answers 429 with Retry-After after more than 20 failures in a minute, to that address only', async () => {
    const attacker = '203.0.113.66';
    for (let i = 0; i < 21; i++) {
      const res = await requestToken(t.app, wrong(), {}, { ip: attacker });
      expect(res.status).toBe(401);
    }
    const blocked = await requestToken(t.app, wrong(), {}, { ip: attacker });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(blocked.headers.get('cache-control')).toBe('no-store');
    expect((await blocked.json()).error).toBe('temporarily_unavailable');

    // Even correct credentials wait from that address…
    expect((await requestToken(t.app, key, {}, { ip: attacker })).status).toBe(429);
    // …while every other address is served as usual.
    expect((await requestToken(t.app, key, {}, { ip: '203.0.113.67' })).status).toBe(200);
    expect((await requestToken(t.app, key, {}, { ip: '2001:db8::66' })).status).toBe(200);

    t.clock.advance(61);
    expect((await requestToken(t.app, key, {}, { ip: attacker })).status).toBe(200);
  });

  it('does not count successful requests', async () => {
    const ip = '203.0.113.90';
    for (let i = 0; i < 30; i++) expect((await requestToken(t.app, key, {}, { ip })).status).toBe(200);
  });

  it('counts failures inside a sliding minute only', async () => {
    const ip = '203.0.113.91';
    for (let i = 0; i < 20; i++) await requestToken(t.app, wrong(), {}, { ip });
    t.clock.advance(59);
    await requestToken(t.app, wrong(), {}, { ip });
    expect((await requestToken(t.app, key, {}, { ip })).status).toBe(429);
    t.clock.advance(2); // the first twenty have left the window
    expect((await requestToken(t.app, key, {}, { ip })).status).toBe(200);
  });
});

describe('concurrent failures cannot outrun the throttle', () => {
  it('answers at most 21 of 60 simultaneous wrong secrets from one address with 401, the rest 429', async () => {
    const ip = '203.0.113.92';
    // A busy client's requests in flight together are not held against it…
    const busy = await Promise.all(Array.from({ length: 60 }, () => requestToken(t.app, key, {}, { ip })));
    expect(busy.map((r) => r.status)).toEqual(Array(60).fill(200));
    // …but guesses are. Well-formed secrets, so each attempt waits on the key lookup like a real guess.
    const answers = await Promise.all(
      Array.from({ length: 60 }, () =>
        requestToken(t.app, { clientId: key.clientId, secret: generateSecret() }, {}, { ip }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(21);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(39);
    // Another address is not slowed.
    expect((await requestToken(t.app, key, {}, { ip: '203.0.113.93' })).status).toBe(200);
  });
});
