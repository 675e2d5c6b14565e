import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../helpers/oauth-client';
import { type ExchangeSetup, exchangeSetup, expectRefusal, type Federation } from './exchange-setup';

// Refused exchanges are throttled per source address, 60 a minute, apart from failed
// client authentication's own limit.

let s: ExchangeSetup;
let fed: Federation;

beforeAll(async () => {
  s = await exchangeSetup();
  fed = await s.newFederation();
});
afterAll(() => s?.close());

const wrongRepo = () => s.idToken({ claims: { repository_id: '1' } });

describe('refused token exchanges from one address', () => {
  it('get 429 with Retry-After past 60 a minute, for that address only', async () => {
    const ip = '203.0.113.70';
    for (let i = 0; i < 60; i++) {
      const res = await s.exchange({ client_id: fed.clientId, subject_token: await wrongRepo() }, { ip });
      expect(res.status).toBe(400);
    }
    // Unknown federations count too.
    const unknown = await s.exchange({ client_id: 'kmf_0000000000000000000000', subject_token: 'x' }, { ip });
    expect(unknown.status).toBe(401);

    const good = await s.idToken();
    const blocked = await s.exchange({ client_id: fed.clientId, subject_token: good }, { ip });
    expect(await expectRefusal(blocked, 429, 'temporarily_unavailable')).toMatch(
      /too many refused token exchanges from this address/,
    );
    const retryAfter = Number(blocked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await s.jwtBearer({ client_id: fed.clientId, assertion: good }, { ip })).status).toBe(429);

    // Other addresses are served, and API keys from this one are not slowed by it.
    expect((await s.exchange({ client_id: fed.clientId, subject_token: await s.idToken() })).status).toBe(
      200,
    );
    const key = await s.t.newKey(s.org.id);
    expect((await requestToken(s.t.app, key, {}, { ip })).status).toBe(200);

    // A minute later the address may try again, and the token held back meanwhile is still unspent.
    s.t.clock.advance(61);
    const res = await s.exchange({ client_id: fed.clientId, subject_token: good }, { ip });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('in flight together cannot outrun the limit', async () => {
    const ip = '203.0.113.71';
    const tokens = await Promise.all(Array.from({ length: 100 }, wrongRepo));
    const answers = await Promise.all(
      tokens.map((subject_token) => s.exchange({ client_id: fed.clientId, subject_token }, { ip })),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((x) => x !== 400 && x !== 429)).toEqual([]);
    expect(statuses.filter((x) => x === 400).length).toBeLessThanOrEqual(61);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(39);
  });

  it('do not count successes, nor an issuer whose keys cannot be fetched', async () => {
    const ip = '203.0.113.72';
    for (let i = 0; i < 70; i++) {
      expect(
        (await s.exchange({ client_id: fed.clientId, subject_token: await s.idToken() }, { ip })).status,
      ).toBe(200);
    }
    s.issuer.setJwks('down');
    await s.issuer.rotate();
    s.t.clock.advance(31);
    for (let i = 0; i < 65; i++) {
      const res = await s.exchange({ client_id: fed.clientId, subject_token: await s.idToken() }, { ip });
      expect(res.status).toBe(503);
    }
    s.issuer.setJwks('ok');
  });
});
