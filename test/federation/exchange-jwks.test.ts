import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExchangeSetup, exchangeSetup, expectRefusal, type Federation } from './exchange-setup';

// The issuer's keys: found through discovery, cached, refetched for an unknown kid at
// most once per 30 s cooldown, never replaced by an empty or failed answer. These
// tests run in order on one clock and one key cache.

let s: ExchangeSetup;
let fed: Federation;

beforeAll(async () => {
  s = await exchangeSetup();
  fed = await s.newFederation();
});
afterAll(() => s?.close());

const COOLDOWN = 30;
const FRESH = 600;

/** Exchanges a fresh token signed with the issuer's current key of `alg`. */
const exchangeWith = async (alg: 'RS256' | 'ES256' = 'RS256') =>
  s.exchange({ client_id: fed.clientId, subject_token: await s.idToken({ alg }) });

describe('the issuer key cache', () => {
  it('reads discovery and the JWKS once, then serves exchanges from memory', async () => {
    for (let i = 0; i < 5; i++) expect((await exchangeWith(i % 2 ? 'ES256' : 'RS256')).status).toBe(200);
    expect([s.issuer.discoveryFetches, s.issuer.jwksFetches]).toEqual([1, 1]);
  });

  it('refetches for unknown kids at most once per cooldown, however many arrive', async () => {
    const forged = async () => {
      const res = await s.exchange({
        client_id: fed.clientId,
        subject_token: await s.idToken({ unpublishedKid: crypto.randomUUID() }),
      });
      expect(await expectRefusal(res, 400, 'invalid_request')).toMatch(
        /is not among the issuer's published keys/,
      );
    };
    const before = s.issuer.jwksFetches;
    await Promise.all(Array.from({ length: 10 }, forged));
    expect(s.issuer.jwksFetches).toBe(before);
    s.t.clock.advance(COOLDOWN + 1);
    await Promise.all(Array.from({ length: 10 }, forged));
    expect(s.issuer.jwksFetches).toBe(before + 1);
  });

  it('picks up a rotated key on its first use once the cooldown allows', async () => {
    s.t.clock.advance(COOLDOWN + 1);
    const before = s.issuer.jwksFetches;
    await s.issuer.rotate();
    const res = await exchangeWith('RS256');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(s.issuer.jwksFetches).toBe(before + 1);
    expect((await exchangeWith('RS256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(before + 1);
  });

  it('keeps keys for the JWKS max-age, within 1 to 10 minutes', async () => {
    s.issuer.setJwksMaxAge(60);
    s.t.clock.advance(FRESH + 1);
    const start = s.issuer.jwksFetches;
    expect((await exchangeWith('ES256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(start + 1); // stale after 10 minutes
    s.t.clock.advance(61);
    expect((await exchangeWith('ES256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(start + 2); // max-age=60 honoured
    s.issuer.setJwksMaxAge(86_400);
    s.t.clock.advance(61);
    expect((await exchangeWith('ES256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(start + 3);
    s.t.clock.advance(FRESH - 1);
    expect((await exchangeWith('ES256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(start + 3); // a day asked, ten minutes kept…
    s.t.clock.advance(2);
    expect((await exchangeWith('ES256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(start + 4); // …then refetched
    s.issuer.setJwksMaxAge(600);
  });
});

describe('a JWKS endpoint that fails', () => {
  it('down: cached keys keep working; a new kid is refused with 503 naming the cause', async () => {
    s.issuer.setJwks('down');
    s.t.clock.advance(FRESH + 1);
    const fetches = s.issuer.jwksFetches;
    // The cache is stale and the refresh fails: the keys it holds still verify.
    expect((await exchangeWith('ES256')).status).toBe(200);
    expect(s.issuer.jwksFetches).toBe(fetches + 1);

    await s.issuer.rotate();
    const res = await exchangeWith('RS256');
    const description = await expectRefusal(res, 503, 'temporarily_unavailable');
    expect(description).toBe(
      `the issuer's keys could not be fetched: ${s.issuer.url}/.well-known/jwks answered HTTP 503`,
    );
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(COOLDOWN);
    // Within the cooldown nothing more is fetched, however many try.
    await Promise.all(Array.from({ length: 5 }, () => exchangeWith('RS256')));
    expect(s.issuer.jwksFetches).toBe(fetches + 1);
    expect((await exchangeWith('ES256')).status).toBe(200);
  });

  it('empty: never cached; the previous keys stay', async () => {
    s.issuer.setJwks('empty');
    s.t.clock.advance(COOLDOWN + 1);
    const res = await exchangeWith('RS256');
    expect(await expectRefusal(res, 503, 'temporarily_unavailable')).toBe(
      `the issuer's keys could not be fetched: ${s.issuer.url}/.well-known/jwks lists no RSA or EC signing keys`,
    );
    expect((await exchangeWith('ES256')).status).toBe(200);
  });

  it('back up: the new key is fetched at the next attempt after the cooldown', async () => {
    s.issuer.setJwks('ok');
    s.t.clock.advance(COOLDOWN + 1);
    const res = await exchangeWith('RS256');
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('never answering: /token answers 503 before its own deadline instead of waiting', async () => {
    s.issuer.setJwks('hang');
    await s.issuer.rotate();
    s.t.clock.advance(COOLDOWN + 1);
    const res = await exchangeWith('RS256');
    expect(await expectRefusal(res, 503, 'temporarily_unavailable')).toBe(
      `the issuer's keys could not be fetched: ${s.issuer.url}/.well-known/jwks did not answer in time`,
    );
    expect((await exchangeWith('ES256')).status).toBe(200);
    s.issuer.setJwks('ok');
  });
});
