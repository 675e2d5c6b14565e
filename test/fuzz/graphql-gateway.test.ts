import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubject } from '../../src/subjects/subjects';
import { bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { fuzzRuns } from './fuzz-settings';
import { abusiveDocument, schemaDocument, tokenSoup, variables } from './graphql-documents';
import { headerValue, hostileJson, hostileString, jwtShaped, oddJsonText } from './hostile-input';
import { expectNoInternalText } from './internal-text';

// Whatever document and variables reach /graphql with a good token, the answer is a
// GraphQL response (data and/or errors), never a 5xx, never the server's insides.
const RUNS = 300;

let t: TestApp;
let token: string;
/** Real subject ids of the caller's organisation, and one of another organisation. */
let ids: string[];

beforeAll(async () => {
  t = await createTestApp();
  const org = await t.newOrg();
  token = await bearer(t, org.id, ['read:subjects', 'write:subjects']);
  ids = [];
  for (const name of ['alpha', 'beta', 'gamma'])
    ids.push((await createSubject(t.deps.db, org.id, name, t.clock.now())).id);
  const other = await t.newOrg();
  ids.push((await createSubject(t.deps.db, other.id, 'theirs', t.clock.now())).id);
});
afterAll(() => t?.close());

/** The real token's header and signature around another payload: a signature that does not match. */
const spliced = (real: string, other: string) => {
  const [header, , signature] = real.split('.');
  return [header, other.split('.')[1], signature].join('.');
};

function requestArbitrary() {
  const document = fc.oneof(
    { weight: 6, arbitrary: schemaDocument(ids, false) },
    { weight: 6, arbitrary: schemaDocument(ids, true) },
    { weight: 2, arbitrary: tokenSoup.map((query) => ({ query, operations: [] as string[] })) },
    { weight: 1, arbitrary: abusiveDocument.map((query) => ({ query, operations: [] as string[] })) },
  );
  const request = document.chain((doc) =>
    fc.record({
      query: fc.constant(doc.query),
      variables: fc.option(variables(ids, doc.query), { nil: undefined, freq: 6 }),
      operationName: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        {
          weight: 3,
          arbitrary: doc.operations.length > 0 ? fc.constantFrom(...doc.operations) : fc.constant(undefined),
        },
        { weight: 1, arbitrary: fc.oneof(hostileString, fc.constantFrom<unknown>(null, 1, [], {})) },
      ),
    }),
  );
  const body = fc.oneof(
    { weight: 40, arbitrary: request.map((r) => JSON.stringify(r)) },
    // Bodies that are not a GraphQL request: other JSON, odd JSON, not JSON at all.
    { weight: 1, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? '') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hostileJson, hostileJson)
        .map(([query, vars]) => JSON.stringify({ query, variables: vars })),
    },
    { weight: 1, arbitrary: fc.oneof(oddJsonText, hostileString) },
  );
  return fc.record({
    body,
    contentType: fc.oneof(
      { weight: 24, arbitrary: fc.constant('application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'application/graphql-response+json',
          'application/graphql',
          'text/plain',
          'application/x-www-form-urlencoded',
        ),
      },
      { weight: 1, arbitrary: fc.oneof(fc.constant(undefined), headerValue) },
    ),
    // Now and then the credentials are wrong too: refusals are GraphQL-shaped as well.
    authorization: fc.oneof(
      { weight: 12, arbitrary: fc.constant(`Bearer ${token}`) },
      {
        weight: 1,
        arbitrary: fc.oneof(
          headerValue,
          headerValue.map((v) => `Bearer ${v}`),
          jwtShaped.map((jwt) => `Bearer ${jwt}`),
          jwtShaped.map((jwt) => `Bearer ${spliced(token, jwt)}`),
          fc.constant(`Bearer ${token.slice(0, -2)}`),
        ),
      },
    ),
  });
}

type FuzzRequest = ReturnType<typeof requestArbitrary> extends fc.Arbitrary<infer R> ? R : never;

function send(r: FuzzRequest): Promise<Response> {
  const headers: Record<string, string> = { authorization: r.authorization };
  if (r.contentType !== undefined) headers['content-type'] = r.contentType;
  return Promise.resolve(t.app.request('/graphql', { method: 'POST', headers, body: r.body }));
}

/** A GraphQL response as clients parse it: `data` and/or a non-empty `errors` of messages. */
async function expectGraphqlAnswer(res: Response): Promise<void> {
  const text = await res.text();
  const seen = `${res.status} ${text.slice(0, 400)}`;
  expect(res.status, seen).toBeLessThan(500);
  expect(res.headers.get('content-type'), seen).toMatch(/^application\/(graphql-response\+)?json/);
  const body = JSON.parse(text);
  expect(body !== null && typeof body === 'object' && !Array.isArray(body), seen).toBe(true);
  expect(
    Object.keys(body).every((k) => ['data', 'errors', 'extensions'].includes(k)),
    seen,
  ).toBe(true);
  expect('data' in body || 'errors' in body, seen).toBe(true);
  if ('errors' in body) {
    expect(Array.isArray(body.errors) && body.errors.length > 0, seen).toBe(true);
    for (const e of body.errors) expect(typeof e.message, seen).toBe('string');
  }
  if (res.status !== 200) expect(body.data, seen).toBeUndefined();
  expectNoInternalText(res, text);
}

describe('the GraphQL gateway under random documents', () => {
  it(`${RUNS} random documents and variables: GraphQL-shaped JSON, never 5xx, nothing internal`, async () => {
    const statuses = new Set<number>();
    const runs = fuzzRuns(0x6771, RUNS);
    let executed = 0;
    await fc.assert(
      fc.asyncProperty(requestArbitrary(), async (r) => {
        const res = await send(r);
        statuses.add(res.status);
        if (res.status === 200) executed++;
        await expectGraphqlAnswer(res);
      }),
      runs,
    );
    // The documents reached execution, not only the parser's and validator's refusals.
    expect([...statuses]).toEqual(expect.arrayContaining([200, 400]));
    expect(executed).toBeGreaterThan((runs.numRuns ?? RUNS) / 20);
  });
});
