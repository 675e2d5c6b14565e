import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { signIn } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

const PASSWORD = 'correct horse battery';
/** Both admins sit behind the same office address. */
const OFFICE = '198.51.100.20';

let t: TestApp;
let acme: { id: string; slug: string };
let beta: { id: string; slug: string };
let acmeKey: { clientId: string; secret: string };
let betaKey: { clientId: string; secret: string };
let ann: { cookie: string; csrf: string };
let bob: { cookie: string; csrf: string };

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  acme = await t.newOrg('acme');
  beta = await t.newOrg('beta');
  for (const [email, orgId] of [
    ['ann@acme.example', acme.id],
    ['bob@beta.example', beta.id],
  ] as const) {
    await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
      email,
      password: PASSWORD,
      orgId,
      role: 'admin',
    });
  }
  acmeKey = await t.newKey(acme.id, { scopes: ['read:subjects'] });
  betaKey = await t.newKey(beta.id, { scopes: ['read:subjects'] });
  ann = await signIn(t, 'ann@acme.example', PASSWORD);
  bob = await signIn(t, 'bob@beta.example', PASSWORD);
});
afterAll(() => t?.close());

/** Submits the Integrate page's connection test as the signed-in browser would; returns the message shown. */
async function connectionTest(
  session: { cookie: string; csrf: string },
  org: string,
  key: { clientId: string; secret: string },
  ip = OFFICE,
): Promise<string> {
  const res = await t.app.request(
    `/console/orgs/${org}/integrate/test`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf, clientId: key.clientId, clientSecret: key.secret }),
    },
    { incoming: { socket: { remoteAddress: ip } } },
  );
  expect(res.status).toBe(200);
  const html = await res.text();
  const alert = /<div class="alert (?:ok|error)" role="(?:alert|status)">([^<]*)<\/div>/.exec(html);
  if (!alert?.[1]) throw new Error(`no test result on the page:\n${html}`);
  return alert[1];
}

describe("the console's connection test", () => {
  it('issues a token for a working key and names the refusal for a wrong secret', async () => {
    expect(await connectionTest(bob, beta.slug, betaKey)).toMatch(/^It works: a 300-second token/);
    expect(await connectionTest(bob, beta.slug, { ...betaKey, secret: generateSecret() })).toBe(
      'The token endpoint answered 401 invalid_client: client authentication failed',
    );
  });

  it("throttles one person's failures without locking out anyone else", async () => {
    const wrong = { ...acmeKey, secret: generateSecret() };
    const answers: string[] = [];
    for (let i = 0; i < 22; i++) answers.push(await connectionTest(ann, acme.slug, wrong));
    // Ann cannot guess faster through the console than through /token…
    expect(answers.slice(0, 20).every((a) => a.includes('answered 401 invalid_client'))).toBe(true);
    expect(answers[21]).toMatch(/answered 429 temporarily_unavailable: .*retry after \d+ s/);
    expect(await connectionTest(ann, acme.slug, acmeKey)).toMatch(/answered 429/);

    // …while Bob, of another organisation at the same address, still tests his key…
    expect(await connectionTest(bob, beta.slug, betaKey)).toMatch(/^It works/);
    // …and so does Ann from another address, and clients calling /token from the office.
    expect(await connectionTest(ann, acme.slug, acmeKey, '198.51.100.21')).toMatch(/^It works/);
    expect((await requestToken(t.app, acmeKey, {}, { ip: OFFICE })).status).toBe(200);

    t.clock.advance(61);
    expect(await connectionTest(ann, acme.slug, acmeKey)).toMatch(/^It works/);
  });
});
