import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, requestToken, wrongSecret } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { fuzzRuns } from './fuzz-settings';
import { headerValue, hostileString, jwtShaped, shortHostileString } from './hostile-input';
import { expectNoInternalText, jsonStrings } from './internal-text';
import { percentEncode } from './url-parts';

// Every refusal of /token, /introspect and /revoke is an RFC 6749 §5.2 / RFC 7009 /
// RFC 8707 error, whatever arrives: never a 5xx, never a body that is not JSON.
const OAUTH_ERRORS = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'unsupported_token_type',
  'temporarily_unavailable',
];

const RUNS = 200;

let t: TestApp;
let key: { clientId: string; secret: string };
/**
 * Values a real client would send, mixed into the hostile ones. Refusals may echo them
 * (an unknown audience is named), so none holds a marker of internal text: RFC 8693's
 * `urn:ietf:params:…` grant types would read as `params:`.
 */
let realValues: string[];
/** An access token of `key`, for /introspect and /revoke. */
let ownToken: string;

beforeAll(async () => {
  t = await createTestApp();
  const org = await t.newOrg();
  key = await t.newKey(org.id, { scopes: ['read:*', 'write:subjects'] });
  const other = await t.newKey((await t.newOrg()).id);
  const token = async (k: { clientId: string; secret: string }) =>
    (await (await requestToken(t.app, k)).json()).access_token as string;
  ownToken = await token(key);
  realValues = [
    'client_credentials',
    key.clientId,
    key.secret,
    wrongSecret(key.secret),
    other.clientId,
    'read:subjects',
    'read:subjects write:subjects openid',
    '*:*',
    t.config.apiAudience,
    `${t.config.apiAudience}/`,
    'https://elsewhere.example/#frag',
    ownToken,
    await token(other),
    'access_token',
    'refresh_token',
  ];
});
afterAll(() => t?.close());

const PARAM_NAMES = [
  'grant_type',
  'client_id',
  'client_secret',
  'scope',
  'audience',
  'resource',
  'token',
  'token_type_hint',
  'subject_token',
  'subject_token_type',
  'assertion',
];

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/x-www-form-urlencoded;charset=latin1;charset=utf-8',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=zz',
];

/** Base64 of text as is, with no form-encoding first (which a lone surrogate would break). */
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * A request that starts as a real client's (the endpoint's own parameters, valid
 * credentials, a form content type) and is bent at random: parameters dropped,
 * replaced, added or repeated; encodings raw or broken; credentials and headers wrong.
 */
function requestArbitrary(path: string) {
  const base: [string, string][] =
    path === '/token' ? [['grant_type', 'client_credentials']] : [['token', ownToken]];
  const value = fc.oneof(fc.constantFrom(...realValues), hostileString, hostileString, jwtShaped);
  const name = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PARAM_NAMES) }, shortHostileString);
  const pairs = fc
    .record({
      kept: fc.oneof(
        { weight: 5, arbitrary: fc.constant(base) },
        { weight: 1, arbitrary: fc.subarray(base) },
      ),
      extra: fc.uniqueArray(fc.tuple(name, value), { selector: ([n]) => n, maxLength: 5 }),
      repeat: fc.oneof(
        { weight: 8, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .map(({ kept, extra, repeat }) => {
      const merged = [...new Map([...kept, ...extra])];
      return repeat && merged.length > 0 ? [...merged, merged[0] as [string, string]] : merged;
    });
  const body = fc.oneof(
    // As URLSearchParams writes it.
    { weight: 4, arbitrary: pairs.map((p) => new URLSearchParams(p).toString()) },
    // As written by hand: raw %-sequences, +, &, = and NUL reach the parser.
    { weight: 3, arbitrary: pairs.map((p) => p.map(([n, v]) => `${n}=${v}`).join('&')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  );
  const credentials = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
    {
      weight: 4,
      arbitrary: fc.constant({ kind: 'basic' as const, header: basicAuth(key.clientId, key.secret) }),
    },
    { weight: 3, arbitrary: fc.constant({ kind: 'post' as const }) },
    {
      weight: 1,
      arbitrary: fc
        .base64String({ maxLength: 120 })
        .map((b) => ({ kind: 'basic' as const, header: `Basic ${b}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.oneof(fc.constant(key.clientId), shortHostileString), hostileString, fc.boolean())
        // Form-encoded first as RFC 6749 §2.3.1 asks (lone surrogates as invalid UTF-8), or not.
        .map(([id, secret, encode]) => {
          const pair = encode ? `${percentEncode(id)}:${percentEncode(secret)}` : `${id}:${secret}`;
          return { kind: 'basic' as const, header: `Basic ${base64(pair)}` };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('Basic ', 'basic  ', 'Bearer ', '', 'Digest '), headerValue)
        .map(([scheme, rest]) => ({ kind: 'basic' as const, header: `${scheme}${rest}` })),
    },
  );
  const contentType = fc.oneof(
    { weight: 10, arbitrary: fc.constant('application/x-www-form-urlencoded') },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), headerValue) },
  );
  return fc.record({
    body,
    credentials,
    contentType,
    ip: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant('198.51.100.7')),
  });
}

type FuzzRequest = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer R> ? R : never;

async function send(path: string, r: FuzzRequest): Promise<Response> {
  const headers: Record<string, string> = {};
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  let body = r.body;
  if (r.credentials.kind === 'basic') headers.authorization = r.credentials.header;
  if (r.credentials.kind === 'post' && typeof body === 'string') {
    body = `client_id=${key.clientId}&client_secret=${key.secret}${body ? `&${body}` : ''}`;
  }
  return t.app.request(
    path,
    { method: 'POST', headers, body },
    { incoming: { socket: { remoteAddress: r.ip } } },
  );
}

/** What a client reads back: an OAuth error, or the endpoint's own success shape. */
async function expectOAuthAnswer(path: string, res: Response): Promise<void> {
  const text = await res.text();
  const seen = `${res.status} ${text.slice(0, 300)}`;
  expect(res.status, seen).toBeLessThan(500);
  if (path === '/revoke' && res.status === 200) {
    expect(text).toBe('');
    return;
  }
  expect(res.headers.get('content-type'), seen).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  if (res.status === 200 && path === '/token') {
    expect(body, seen).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: expect.any(String),
    });
    expectNoInternalText(res, text, [body.scope]);
    return;
  }
  if (res.status === 200 && path === '/introspect') {
    expect(typeof body.active, seen).toBe('boolean');
    // An active token's claims are named by RFC 9068 and keymint's contract (org_id among them).
    expectNoInternalText(res, text, jsonStrings(body, false));
    return;
  }
  expect(Object.keys(body).sort(), seen).toEqual(['error', 'error_description']);
  expect(OAUTH_ERRORS, seen).toContain(body.error);
  expect(typeof body.error_description, seen).toBe('string');
  if (res.status === 401) expect(res.headers.get('www-authenticate'), seen).toBeTruthy();
  expectNoInternalText(res, text);
}

describe('the OAuth endpoints under random input', () => {
  it.each(['/token', '/introspect', '/revoke'])(
    `${RUNS} random requests to %s: never 5xx, always an OAuth JSON answer, nothing internal`,
    async (path) => {
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(requestArbitrary(path), async (r) => {
          const res = await send(path, r);
          statuses.add(res.status);
          await expectOAuthAnswer(path, res);
        }),
        fuzzRuns(0x6f61 + path.length, RUNS),
      );
      // The inputs got past client authentication too, not only into the parser's refusals.
      expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 401]));
    },
  );
});
