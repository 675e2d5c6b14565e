import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { bearer, signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { fuzzRuns } from './fuzz-settings';
import {
  headerValue,
  hostileJson,
  hostileString,
  jwtShaped,
  oddJsonText,
  shortHostileString,
} from './hostile-input';
import { expectNoInternalText } from './internal-text';
import { pathSegment, queryString } from './url-parts';

// Whatever reaches /api/v1, the answer is JSON (a problem document when it is an
// error), never a 5xx, and never the server's insides.
const RUNS = 250;
const PASSWORD = 'fuzzing is fun 123';
const EMAIL = 'admin@fuzz.example';

let t: TestApp;
let token: string;
let session: { cookie: string; csrf: string };
/** The documented routes, with the names of their query parameters. */
let templates: { method: string; path: string; query: string[] }[];
let orgRefs: string[];
let orgId: string;
/** Keys the fuzzer may rename, rotate, revoke and delete: never the caller's own. */
let keyRefs: string[];

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  const org = await t.newOrg('fuzz', 1000);
  const other = await t.newOrg('elsewhere');
  token = await bearer(t, org.id, ['read:keys', 'write:keys', 'read:usage', 'read:audit']);
  keyRefs = [];
  for (const scopes of [['read:keys'], ['read:subjects', 'write:subjects'], ['*:*']]) {
    const k = await t.newKey(org.id, { name: `victim ${scopes.join(' ')}`, scopes });
    keyRefs.push(k.id, k.clientId);
  }
  keyRefs.push((await t.newKey(other.id)).id);
  orgRefs = [org.slug, org.slug, org.id, other.slug];
  orgId = org.id;
  session = await freshSession(EMAIL);
  // The routes as the API documents them; new routes are fuzzed as soon as they are documented.
  const doc = await (await t.app.request('/api/v1/openapi.json')).json();
  type Operation = { parameters?: { name: string; in: string }[] };
  templates = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
});
afterAll(() => t?.close());

let users = 0;
/**
 * An org admin signed in. Each call makes a new user: the fuzzer's failed sign-ins
 * may have throttled the earlier ones' emails, and the test clock does not move.
 */
async function freshSession(email = `admin-${++users}@fuzz.example`) {
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email,
    password: PASSWORD,
    orgId,
    role: 'admin',
  });
  return signIn(t, email, PASSWORD);
}

const QUERY_NAMES = [
  'status',
  'q',
  'limit',
  'cursor',
  'granularity',
  'from',
  'to',
  'action',
  'actorId',
  'targetId',
  'since',
  'until',
];

const BODY_FIELDS = [
  'name',
  'scopes',
  'expiresIn',
  'expiresAt',
  'tokenTtlSeconds',
  'allowedCidrs',
  'enabled',
  'gracePeriodSeconds',
  'maxActiveKeys',
  'defaultExpiryDays',
  'maxExpiryDays',
  'allowNeverExpiry',
  'email',
  'password',
];

/** Values that are right for some field, so requests get past the schema into the services. */
const plausibleValue = fc.constantFrom<unknown>(
  'fuzzed key',
  ['read:keys'],
  ['read:subjects', 'write:subjects'],
  ['*:*'],
  ['read:*'],
  ['admin:keys'],
  ['read:nothing'],
  [],
  '30d',
  '1y',
  'never',
  '2099-01-01T00:00:00Z',
  '2000-01-01T00:00:00Z',
  '2026-02-30T25:61:61+99:99',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  ['10.0.0.0/8', '2001:db8::/32'],
  ['0.0.0.0/0'],
  ['::/0'],
  ['300.1.1.1/33'],
  ['10.0.0.1/8'],
  60,
  3600,
  86400,
  1000,
  true,
  false,
  null,
  EMAIL,
  PASSWORD,
);

const wildValue = fc.oneof(plausibleValue, hostileString, hostileJson);

/** Bodies the documented routes accept, for the fuzzer to bend: so requests get into the services. */
const VALID_BODIES: Record<string, Record<string, unknown>[]> = {
  'POST /orgs/{org}/keys': [
    { name: 'fuzzed key', scopes: ['read:keys'], expiresIn: '30d' },
    {
      name: 'fuzzed key',
      scopes: ['read:keys'],
      expiresAt: '2099-01-01T00:00:00Z',
      allowedCidrs: ['10.0.0.0/8'],
    },
  ],
  'PATCH /orgs/{org}/keys/{id}': [
    { name: 'renamed key' },
    { scopes: ['read:keys'], tokenTtlSeconds: 600 },
    { enabled: false },
    { enabled: true, allowedCidrs: [] },
  ],
  'POST /orgs/{org}/keys/{id}/rotate': [{ gracePeriodSeconds: 60 }, {}],
  'PATCH /orgs/{org}/settings': [{ maxActiveKeys: 500, allowNeverExpiry: true }, { name: 'Fuzz Inc' }],
  'POST /session': [{ email: EMAIL, password: 'not the password' }],
};

/** A valid body with up to three fields replaced or added, holding anything. */
const bentBody = (valid: Record<string, unknown>[]) =>
  fc
    .tuple(
      fc.constantFrom(...valid),
      fc.array(
        fc.tuple(
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...valid.flatMap(Object.keys), ...BODY_FIELDS) },
            shortHostileString,
          ),
          wildValue,
        ),
        { maxLength: 3 },
      ),
    )
    .map(([v, changes]) => JSON.stringify({ ...v, ...Object.fromEntries(changes) }));

/** Anything at all as a body: JSON of any shape, JSON text no encoder writes, not JSON, nothing. */
const anyBody = fc.oneof(
  { weight: 2, arbitrary: bentBody([{}]) },
  { weight: 2, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 2, arbitrary: oddJsonText },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.constant(undefined) },
);

/** Mostly a bent version of what the route takes, sometimes anything. */
const bodyFor = (route: string) => {
  const valid = VALID_BODIES[route];
  return valid
    ? fc.oneof({ weight: 3, arbitrary: bentBody(valid) }, { weight: 1, arbitrary: anyBody })
    : anyBody;
};

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'APPLICATION/JSON',
      'application/problem+json',
      'application/merge-patch+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=zz',
      'multipart/form-data',
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), headerValue) },
);

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS') },
  {
    weight: 1,
    arbitrary: fc.stringMatching(/^[A-Z]{3,9}$/).filter((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m)),
  },
);

function requestArbitrary() {
  const fill = (template: string) =>
    fc
      .tuple(
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...orgRefs) }, pathSegment),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keyRefs) }, pathSegment),
      )
      .map(([org, id]) => template.replace('{org}', org).replace('{id}', id));
  const documented = fc.constantFrom(...templates).chain((r) =>
    fc.record({
      target: fc.record({
        method: fc.oneof({ weight: 6, arbitrary: fc.constant(r.method) }, method),
        path: fill(r.path),
      }),
      body: bodyFor(`${r.method} ${r.path}`),
      query: queryString(r.query.length > 0 ? r.query : QUERY_NAMES),
    }),
  );
  const anywhere = fc.record({
    target: fc.record({
      method,
      path: fc.array(pathSegment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`),
    }),
    body: anyBody,
    query: queryString(QUERY_NAMES),
  });
  return fc
    .record({
      route: fc.oneof({ weight: 4, arbitrary: documented }, { weight: 1, arbitrary: anywhere }),
      suffix: fc.oneof(
        { weight: 8, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('/', '//') },
      ),
      contentType,
      ip: fc.oneof(fc.ipV4(), fc.ipV6()),
      // Recorded in the audit log with every change.
      userAgent: fc.option(headerValue, { nil: undefined }),
    })
    .map(({ route, ...rest }) => ({ ...rest, ...route }));
}

type FuzzRequest = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer R> ? R : never;

const urlOf = (r: FuzzRequest) => `/api/v1${r.target.path}${r.suffix}${r.query}`;

/** The path the request really names: dot segments (also %2e%2e) are resolved by the URL parser. */
const resolvedPath = (r: FuzzRequest) => new URL(urlOf(r), 'http://localhost').pathname;

function send(r: FuzzRequest, auth: Record<string, string>): Promise<Response> {
  const { method: m } = r.target;
  const headers: Record<string, string> = { ...auth };
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  if (r.userAgent !== undefined) headers['user-agent'] = r.userAgent;
  const init: RequestInit = { method: m, headers };
  if (r.body !== undefined && m !== 'GET' && m !== 'HEAD') init.body = r.body;
  return Promise.resolve(t.app.request(urlOf(r), init, { incoming: { socket: { remoteAddress: r.ip } } }));
}

/** What a client of /api/v1 may rely on for any answer. */
async function expectApiAnswer(r: FuzzRequest, res: Response): Promise<void> {
  const text = await res.text();
  const seen = `${r.target.method} ${r.target.path.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, seen).toBeLessThan(500);
  expectNoInternalText(res, text);
  if (r.target.method === 'HEAD') return;
  if (res.status === 204) {
    expect(text, seen).toBe('');
    return;
  }
  const type = res.headers.get('content-type') ?? '';
  const path = resolvedPath(r);
  // The human-readable reference at /api/v1/ is the one page that is not JSON.
  if (/^\/api\/v1\/?$/.test(path) && res.status === 200 && type.startsWith('text/html')) return;
  // `..` segments can lead out of /api/v1, to the app's own JSON 404.
  const underApi = /^\/api\/v1(\/|$)/.test(path);
  expect(type, seen).toMatch(
    res.status >= 400 && underApi ? /^application\/problem\+json/ : /^application\/json/,
  );
  const parsed = JSON.parse(text);
  if (res.status >= 400 && underApi) {
    expect(parsed, seen).toMatchObject({
      type: expect.stringMatching(/^urn:keymint:problem:[a-z-]+$/),
      title: expect.any(String),
      status: res.status,
      detail: expect.any(String),
    });
  }
}

describe('the management API under random requests', () => {
  it(`${RUNS} random requests with a bearer token: JSON or problem+json, never 5xx, nothing internal`, async () => {
    const statuses = new Set<number>();
    // Now and then the token is not one: refusals are problem documents too.
    const authorization = fc.oneof(
      { weight: 14, arbitrary: fc.constant(`Bearer ${token}`) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          headerValue,
          jwtShaped.map((jwt) => `Bearer ${jwt}`),
          fc.constant(`Bearer ${token.slice(0, -3)}`),
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(requestArbitrary(), authorization, async (r, a) => {
        const res = await send(r, { authorization: a });
        statuses.add(res.status);
        await expectApiAnswer(r, res);
      }),
      fuzzRuns(0x6170, RUNS),
    );
    // Requests reached the services, not only the router's and the schemas' refusals.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 404]));
  });

  it(`${RUNS} random requests in a console session: JSON or problem+json, never 5xx, nothing internal`, async () => {
    const statuses = new Set<number>();
    const csrf = fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.oneof(fc.constant(''), headerValue) },
    );
    await fc.assert(
      fc.asyncProperty(requestArbitrary(), csrf, async (r, wrongCsrf) => {
        const auth: Record<string, string> = {
          cookie: session.cookie,
          'x-csrf-token': wrongCsrf ?? session.csrf,
        };
        const res = await send(r, auth);
        statuses.add(res.status);
        await expectApiAnswer(r, res);
        // A run that signed the session out leaves the next one a fresh session.
        if (r.target.method === 'DELETE' && r.target.path.startsWith('/session') && res.status === 204) {
          session = await freshSession();
        }
      }),
      fuzzRuns(0x636f, RUNS),
    );
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 404]));
  });
});
