import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRuns } from '../fuzz/fuzz-settings';
import { hostileJson, hostileString, jwtShaped } from '../fuzz/hostile-input';
import { expectNoInternalText } from '../fuzz/internal-text';
import { type ExchangeSetup, exchangeSetup, type Federation } from './exchange-setup';

// Whatever a job or an attacker presents as the ID token — shapes no key signed, or
// tokens the issuer did sign with hostile claim values — the exchange answers an OAuth
// error (or a token), never a 5xx, never internal text, and its description stays one
// line of printable ASCII however the claims it echoes were written.

let s: ExchangeSetup;
let fed: Federation;

beforeAll(async () => {
  s = await exchangeSetup();
  fed = await s.newFederation();
});
afterAll(() => s?.close());

async function expectOAuthAnswer(res: Response): Promise<void> {
  const text = await res.text();
  const seen = `${res.status} ${text.slice(0, 300)}`;
  expect(res.status, seen).toBeLessThan(500);
  const body = JSON.parse(text);
  if (res.status === 200) {
    expect(body.issued_token_type, seen).toBe('urn:ietf:params:oauth:token-type:access_token');
    return;
  }
  expect(['invalid_request', 'invalid_client', 'invalid_grant', 'temporarily_unavailable'], seen).toContain(
    body.error,
  );
  expect(body.error_description, seen).toMatch(/^[\x20-\x7e…’]*$/);
  expect(body.error_description.length, seen).toBeLessThan(4000);
  expectNoInternalText(res, text);
}

const claimNames = ['aud', 'sub', 'exp', 'iat', 'nbf', 'jti', 'repository_id', 'repository_owner_id', 'ref'];

describe('hostile subject tokens', () => {
  it('shapes no key signed: always a clean refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jwtShaped, hostileString), fc.boolean(), async (token, bearer) => {
        const res = bearer
          ? await s.jwtBearer({ client_id: fed.clientId, assertion: token })
          : await s.exchange({ client_id: fed.clientId, subject_token: token });
        await expectOAuthAnswer(res);
      }),
      fuzzRuns(810, 150),
    );
  });

  it('signed by the issuer with hostile claim values: a clean refusal or a token', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...claimNames), fc.oneof(hostileJson, hostileString), { maxKeys: 3 }),
        async (claims) => {
          const token = await s.idToken({ claims });
          await expectOAuthAnswer(await s.exchange({ client_id: fed.clientId, subject_token: token }));
        },
      ),
      fuzzRuns(811, 100),
    );
  });
});
