import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayForDeps } from '../../src/gateway/gateway-for-deps';
import { createGraphqlRoute } from '../../src/gateway/graphql-route';
import { bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { type Fetcher, gql, q } from './gateway-helpers';

// The gateway's abuse limits: abusive documents are refused with 400 before scopes are checked and
// before anything executes (depth over 10 with root fields at depth 1, more than 100
// fields and aliases, documents over 64 KiB); and malformed requests never execute.
let t: TestApp;
let orgId: string;
let rw: string;
let noSubjects: string;
/** The gateway route alone, as `keymint gateway` mounts it (no app-wide body limit). */
let routeOnly: Fetcher;

beforeAll(async () => {
  t = await createTestApp();
  orgId = (await t.newOrg()).id;
  rw = await bearer(t, orgId, ['read:subjects', 'write:subjects']);
  noSubjects = await bearer(t, orgId, ['read:keys']);
  routeOnly = createGraphqlRoute(gatewayForDeps(t.deps));
});
afterAll(() => t?.close());

/** A valid selection `levels` deep, root field included (introspection nests freely). */
function deepSchemaQuery(levels: number): string {
  // __schema(1) types(2) fields(3) type(4) ofType… name(levels)
  const ofTypes = levels - 5;
  return `__schema { types { fields { type { ${'ofType { '.repeat(ofTypes)}name${' }'.repeat(ofTypes)} } } } }`;
}

async function names(): Promise<string[]> {
  const res = await gql(t.app, rw, q('{ subjects { name } }'));
  expect(res.status).toBe(200);
  return (await res.json()).data.subjects.map((s: { name: string }) => s.name);
}

async function expect400(res: Response, message: RegExp) {
  expect(res.status).toBe(400);
  expect(res.headers.get('www-authenticate')).toBeNull();
  const body = await res.json();
  expect(body.data).toBeUndefined();
  expect(body.errors[0].message).toMatch(message);
}

describe('depth', () => {
  it('accepts depth 10', async () => {
    const res = await gql(t.app, rw, q(`{ subjects { id } ${deepSchemaQuery(10)} }`));
    expect(res.status).toBe(200);
    expect((await res.json()).errors).toBeUndefined();
  });

  it('refuses depth 11 with 400 before scopes: a token without subjects scopes gets 400, not 403', async () => {
    const doc = `{ subjects { id } ${deepSchemaQuery(11)} }`;
    await expect400(await gql(t.app, noSubjects, q(doc)), /deeper than 10/);
    await expect400(await gql(t.app, rw, q(doc)), /deeper than 10/);
    // The same document stripped to depth 10 is a scope matter for that token.
    expect((await gql(t.app, noSubjects, q(`{ subjects { id } ${deepSchemaQuery(10)} }`))).status).toBe(403);
  });

  it('counts depth through named and inline fragments', async () => {
    const viaFragments = `{ __schema { ...T } }
      fragment T on __Schema { types { fields { ...F } } }
      fragment F on __Field { type { ${'ofType { '.repeat(6)}name${' }'.repeat(6)} } }`;
    await expect400(await gql(t.app, rw, q(viaFragments)), /deeper than 10/);
    const viaInline = `{ ... on Query { ${deepSchemaQuery(11)} } }`;
    await expect400(await gql(t.app, rw, q(viaInline)), /deeper than 10/);
  });

  it('refuses a too deep mutation and runs none of it', async () => {
    const deep = `${'a { '.repeat(9)}b${' }'.repeat(9)}`; // depth 2 + 9 = 11 under createSubject
    const doc = `mutation { createSubject(name: "deep") { id } again: createSubject(name: "deep") { ${deep} } }`;
    await expect400(await gql(t.app, rw, q(doc)), /deeper than 10/);
    expect(await names()).not.toContain('deep');
  });
});

describe('fields and aliases', () => {
  const aliases = (n: number, field = 'subjects { id }') =>
    Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

  it('accepts exactly 100 fields and aliases', async () => {
    const res = await gql(t.app, rw, q(`{ ${aliases(50)} }`));
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()).data)).toHaveLength(50);
  });

  it('refuses 101 with 400, before scopes', async () => {
    await expect400(await gql(t.app, noSubjects, q(`{ ${aliases(50)} __typename }`)), /more than 100/);
  });

  it('refuses an aliased mutation flood without creating anything', async () => {
    const doc = `mutation { ${aliases(51, 'createSubject(name: "flood") { id }')} }`;
    await expect400(await gql(t.app, rw, q(doc)), /more than 100/);
    expect(await names()).not.toContain('flood');
  });

  it('refuses an exponential fragment fan-out quickly', async () => {
    const fragments = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i} on Subject { ...F${i + 1} ...F${i + 1} }`,
    );
    const doc = `{ subjects { ...F0 } } ${fragments.join(' ')} fragment F30 on Subject { id }`;
    const started = Date.now();
    await expect400(await gql(t.app, noSubjects, q(doc)), /more than 100/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('fragment cycles', () => {
  it('refuses a cycle the operation spreads, before scopes', async () => {
    const doc = '{ subjects { ...A } } fragment A on Subject { id ...B } fragment B on Subject { name ...A }';
    await expect400(await gql(t.app, noSubjects, q(doc)), /spreads itself/);
  });

  it('refuses a cycle the operation does not use', async () => {
    const doc = '{ subjects { id } } fragment A on Subject { ...B } fragment B on Subject { ...A }';
    const res = await gql(t.app, rw, q(doc));
    expect(res.status).toBe(400);
  });

  it('refuses a mutation whose fragment spreads itself, running nothing', async () => {
    const doc = 'mutation { ...M } fragment M on Mutation { createSubject(name: "cyclic") { id } ...M }';
    await expect400(await gql(t.app, rw, q(doc)), /spreads itself/);
    expect(await names()).not.toContain('cyclic');
  });
});

describe('size', () => {
  const padded = (query: string, bytes: number) => `${query}\n#${'x'.repeat(bytes - query.length - 2)}`;

  it('accepts a document just under 64 KiB', async () => {
    const query = padded('mutation { createSubject(name: "big but fine") { id } }', 64 * 1024 - 100);
    const res = await gql(t.app, rw, q(query));
    expect(res.status).toBe(200);
    expect(await names()).toContain('big but fine');
  });

  it('refuses a body over 64 KiB with 413, running nothing', async () => {
    const query = padded('mutation { createSubject(name: "too big body") { id } }', 64 * 1024 + 10);
    const res = await gql(t.app, rw, q(query));
    expect(res.status).toBe(413);
    const huge = await gql(t.app, rw, q(padded('{ subjects { id } }', 2 * 1024 * 1024)));
    expect(huge.status).toBe(413);
    expect(await names()).not.toContain('too big body');
  });

  it('the route alone (as `keymint gateway` serves it) refuses a body over 64 KiB with 413 too', async () => {
    const query = padded('mutation { createSubject(name: "too big doc") { id } }', 64 * 1024 + 10);
    const res = await gql(routeOnly, rw, q(query));
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0]).toMatchObject({
      message: expect.stringMatching(/64 KiB/),
      extensions: { code: 'PAYLOAD_TOO_LARGE' },
    });
    // The route is the real one: a small mutation through it runs.
    const ok = await gql(routeOnly, rw, q('mutation { createSubject(name: "via route") { id } }'));
    expect(ok.status).toBe(200);
    const all = await names();
    expect(all).toContain('via route');
    expect(all).not.toContain('too big doc');
  });
});

describe('malformed requests', () => {
  const MUTATION = JSON.stringify({ query: 'mutation { createSubject(name: "malformed") { id } }' });

  it('refuses a body that is not JSON with 400', async () => {
    await expect400(await gql(t.app, rw, undefined, { rawBody: `${MUTATION.slice(0, -3)}` }), /JSON/);
    await expect400(await gql(t.app, rw, undefined, { rawBody: '' }), /JSON/);
  });

  it('refuses a JSON body that is not an object, or has no query, with 400', async () => {
    await expect400(await gql(t.app, rw, undefined, { rawBody: `[${MUTATION}]` }), /object/);
    await expect400(await gql(t.app, rw, {}), /query/);
    await expect400(await gql(t.app, rw, { query: '' }), /query/);
    await expect400(await gql(t.app, rw, { query: 42 }), /query/);
    await expect400(
      await gql(t.app, rw, { query: 'mutation { createSubject(name: "malformed") { id } }', variables: [1] }),
      /variables/,
    );
  });

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/graphql',
  ])('refuses content type %s with 415', async (type) => {
    const res = await gql(t.app, rw, undefined, { rawBody: MUTATION, headers: { 'content-type': type } });
    expect(res.status).toBe(415);
  });

  it('accepts application/json with a charset', async () => {
    const res = await gql(t.app, rw, q('{ subjects { id } }'), {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(200);
  });

  it('refuses several operations without operationName, or with an unknown one, with 400', async () => {
    const doc =
      'mutation A { createSubject(name: "malformed") { id } } mutation B { deleteSubject(id: "x") }';
    await expect400(await gql(t.app, rw, q(doc)), /operationName/);
    await expect400(await gql(t.app, rw, q(doc, { operationName: 'C' })), /no operation named/);
  });

  it('refuses a document with no operation, one that does not parse, and subscriptions with 400', async () => {
    await expect400(await gql(t.app, rw, q('fragment F on Subject { id }')), /no operation/);
    await expect400(
      await gql(t.app, rw, q('mutation { createSubject(name: "malformed") { id }')),
      /Syntax Error/,
    );
    await expect400(await gql(t.app, rw, q('subscription { subjects { id } }')), /subscription/);
  });

  it('ran none of the refused mutations above', async () => {
    expect(await names()).not.toContain('malformed');
  });

  it('checks credentials before anything else: an abusive document without a token is 401', async () => {
    const res = await gql(t.app, undefined, q(`{ ${deepSchemaQuery(11)} }`));
    expect(res.status).toBe(401);
    const forged = await gql(t.app, 'e30.e30.e30', undefined, { rawBody: 'not json' });
    expect(forged.status).toBe(401);
  });
});
