import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usedSubjectTokens } from '../../src/db/schema/index';
import { purgeUsedSubjectTokens } from '../../src/federation/exchange-replay-guard';
import { postForm } from '../helpers/oauth-client';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import {
  type ExchangeSetup,
  exchangeSetup,
  expectRefusal,
  type Federation,
  ID_TOKEN_TYPE,
  nextIp,
  TOKEN_EXCHANGE,
} from './exchange-setup';

// An ID token is exchanged once: its jti is recorded atomically in the database, so a
// replay is refused on this instance, on another, and when both see it at once.

let s: ExchangeSetup;
let second: SecondInstance;
let fed: Federation;

beforeAll(async () => {
  s = await exchangeSetup();
  second = await startSecondInstance(s.t);
  fed = await s.newFederation();
});
afterAll(async () => {
  await second?.stop();
  await s?.close();
});

const jti = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()).jti;

describe('a replayed ID token', () => {
  it('is refused the second time, naming the jti, through either grant form', async () => {
    const token = await s.idToken();
    expect((await s.exchange({ client_id: fed.clientId, subject_token: token })).status).toBe(200);
    const again = await s.exchange({ client_id: fed.clientId, subject_token: token });
    const description = await expectRefusal(again, 400, 'invalid_request');
    expect(description).toMatch(
      new RegExp(
        `^subject token refused: it was already exchanged \\(jti "${jti(token)}"\\); .*\\(claims seen: iss=`,
      ),
    );
    const asAssertion = await s.jwtBearer({ client_id: fed.clientId, assertion: token });
    expect(await expectRefusal(asAssertion, 400, 'invalid_grant')).toMatch(
      /^assertion refused: it was already exchanged/,
    );
  });

  it('is refused by another instance on the same database', async () => {
    const token = await s.idToken();
    expect((await s.exchange({ client_id: fed.clientId, subject_token: token })).status).toBe(200);
    const elsewhere = await postForm(
      second.app,
      '/token',
      {
        grant_type: TOKEN_EXCHANGE,
        client_id: fed.clientId,
        subject_token: token,
        subject_token_type: ID_TOKEN_TYPE,
      },
      { ip: nextIp() },
    );
    expect(await expectRefusal(elsewhere, 400, 'invalid_request')).toMatch(/already exchanged/);
  });

  it('presented to two instances at once: exactly one succeeds', async () => {
    for (let round = 0; round < 8; round++) {
      const token = await s.idToken();
      const send = (app: typeof s.t.app) =>
        postForm(
          app,
          '/token',
          {
            grant_type: TOKEN_EXCHANGE,
            client_id: fed.clientId,
            subject_token: token,
            subject_token_type: ID_TOKEN_TYPE,
          },
          { ip: nextIp() },
        );
      const answers = await Promise.all([send(s.t.app), send(second.app), send(s.t.app), send(second.app)]);
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400, 400, 400]);
      for (const r of answers.filter((a) => a.status === 400)) {
        expect(await expectRefusal(r, 400, 'invalid_request')).toMatch(/already exchanged/);
      }
    }
  });

  it('is remembered until it could no longer be accepted, then purged by the maintenance schedule', async () => {
    const token = await s.idToken();
    expect((await s.exchange({ client_id: fed.clientId, subject_token: token })).status).toBe(200);
    const db = s.t.deps.db;
    const count = async () => (await db.select().from(usedSubjectTokens)).length;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    // Kept while the token (exp 300 s, 60 s leeway) could still be presented…
    expect(await purgeUsedSubjectTokens(db, new Date(s.t.clock.now().getTime() + 359_000))).toBe(0);
    // …and forgotten once it could not.
    s.t.clock.advance(361);
    expect(await purgeUsedSubjectTokens(db, s.t.clock.now())).toBe(before);
    expect(await count()).toBe(0);
    // A token that old is refused on its own account, not as a replay.
    const stale = await s.exchange({ client_id: fed.clientId, subject_token: token });
    expect(await expectRefusal(stale, 400, 'invalid_request')).toMatch(/it expired at/);
  });
});
