import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gatewayForDeps } from '../../src/gateway/gateway-for-deps';
import { createGraphqlRoute } from '../../src/gateway/graphql-route';
import { api, bearer } from '../helpers/api-client';
import { freePort } from '../helpers/free-port';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { challenge, gql, q, signWithCurrentKey, startRecordingUpstream } from './gateway-helpers';

// The gateway with GRAPHQL_UPSTREAM: verified requests are forwarded with Authorization
// removed and the verified identity in X-Keymint-*; the resource of a root field is its
// name; nothing unverified, under-scoped or abusive ever reaches the upstream.
let t: TestApp;
let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let orgId: string;
let key: { id: string; clientId: string; secret: string };
let readSubjects: string;
let readAll: string;

async function tokenFor(k: { clientId: string; secret: string }, scope?: string) {
  const res = await requestToken(t.app, k, scope ? { scope } : {});
  expect(res.status).toBe(200);
  return (await res.json()).access_token as string;
}

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  t = await createTestApp({ GRAPHQL_UPSTREAM: upstream.url });
  orgId = (await t.newOrg()).id;
  key = await t.newKey(orgId, { scopes: ['read:*'] });
  readSubjects = await tokenFor(key, 'read:subjects');
  readAll = await tokenFor(key);
});
beforeEach(() => {
  upstream.setMode('ok');
  upstream.requests.length = 0;
});
afterAll(async () => {
  await t?.close();
  await upstream?.close();
});

describe('forwarding a verified request', () => {
  it('removes Authorization, adds the verified identity, passes the body and the answer through', async () => {
    const body = JSON.stringify({
      query: 'query Q($n: Int) { subjects(first: $n) { id } }',
      variables: { n: 3 },
      operationName: 'Q',
    });
    const res = await gql(t.app, readSubjects, undefined, {
      rawBody: body,
      headers: {
        cookie: 'session=secret-cookie',
        'x-keymint-org': 'org_spoofed',
        'x-keymint-client': 'km_spoofed',
        'x-keymint-scopes': 'write:everything',
        'user-agent': 'gateway-test/1.0',
        accept: 'application/graphql-response+json',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ data: { planets: [{ name: 'Mercury' }] }, echo: body });

    expect(upstream.requests).toHaveLength(1);
    const seen = upstream.requests[0];
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/graphql');
    expect(seen?.body).toBe(body);
    expect(seen?.headers.authorization).toBeUndefined();
    expect(seen?.headers.cookie).toBeUndefined();
    expect(seen?.headers).toMatchObject({
      'x-keymint-org': orgId,
      'x-keymint-client': key.clientId,
      'x-keymint-scopes': 'read:subjects',
      'content-type': 'application/json',
      'user-agent': 'gateway-test/1.0',
      accept: 'application/graphql-response+json',
    });
    expect(JSON.stringify(seen?.headers)).not.toContain(readSubjects);
  });

  it('passes an upstream 4xx answer back as it is', async () => {
    upstream.setMode('bad-request');
    const res = await gql(t.app, readSubjects, q('{ subjects { moons } }'));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/graphql-response+json');
    expect(await res.json()).toEqual({ errors: [{ message: 'Cannot query field "moons"' }] });
  });
});

describe('scopes from root field names', () => {
  it('needs read:planets for { planets { name } } and forwards once the token has it', async () => {
    const refused = await gql(t.app, readAll, q('{ planets { name } }'));
    expect(refused.status).toBe(403);
    expect(challenge(refused)?.params).toMatchObject({ error: 'insufficient_scope', scope: 'read:planets' });
    expect(upstream.requests).toHaveLength(0);

    // The built-in catalog has no read:planets, so /token cannot issue it: a token with
    // that scope is signed here with the deployment's own key.
    const planets = await signWithCurrentKey(t, readAll, { claims: { scope: 'read:planets' } });
    const res = await gql(t.app, planets, q('{ planets { name } }'));
    expect(res.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers['x-keymint-scopes']).toBe('read:planets');
  });

  it('needs write:<field> for a mutation and one scope per root field', async () => {
    const mutation = await gql(t.app, readAll, q('mutation { launch(to: "Mars") { id } }'));
    expect(mutation.status).toBe(403);
    expect(challenge(mutation)?.params.scope).toBe('write:launch');
    const two = await gql(t.app, readSubjects, q('{ subjects { id } planets { name } }'));
    expect(two.status).toBe(403);
    expect(challenge(two)?.params.scope).toBe('read:planets read:subjects');
    expect(upstream.requests).toHaveLength(0);
  });

  it('is not fooled by aliases or fragments', async () => {
    for (const doc of [
      '{ subjects: planets { name } }',
      '{ ...P } fragment P on Query { planets { name } }',
      '{ ... on Query { planets { name } } }',
    ]) {
      const res = await gql(t.app, readSubjects, q(doc));
      expect(res.status).toBe(403);
      expect(challenge(res)?.params.scope).toBe('read:planets');
    }
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('what never reaches the upstream', () => {
  const LIST = q('{ subjects { id } }');
  const deep = `{ subjects ${'{ a '.repeat(10)}${'}'.repeat(10)} }`;

  it.each<[string, () => Promise<Response>]>([
    ['no credentials', () => gql(t.app, undefined, LIST)],
    ['Basic credentials', () => gql(t.app, undefined, LIST, { authorization: `Basic ${btoa('a:b')}` })],
    [
      'alg none',
      () =>
        gql(
          t.app,
          `${btoa('{"alg":"none","typ":"at+jwt"}').replace(/=+$/, '')}.${readSubjects.split('.')[1]}.`,
          LIST,
        ),
    ],
    [
      'a widened payload',
      () => {
        const [h, , s] = readSubjects.split('.');
        const claims = JSON.parse(Buffer.from(readSubjects.split('.')[1] ?? '', 'base64url').toString());
        const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'read:planets' })).toString(
          'base64url',
        );
        return gql(t.app, `${h}.${widened}.${s}`, q('{ planets { name } }'));
      },
    ],
    [
      'another audience',
      async () => gql(t.app, await signWithCurrentKey(t, readSubjects, { claims: { aud: 'x' } }), LIST),
    ],
    ['too few scopes', () => gql(t.app, readSubjects, q('{ planets { name } }'))],
    ['depth 11', () => gql(t.app, readSubjects, q(deep))],
    [
      '101 fields',
      () =>
        gql(
          t.app,
          readSubjects,
          q(`{ ${Array.from({ length: 101 }, (_, i) => `s${i}: subjects`).join(' ')} }`),
        ),
    ],
    ['a fragment cycle', () => gql(t.app, readSubjects, q('{ subjects { ...A } } fragment A on S { ...A }'))],
    ['a body over 64 KiB', () => gql(t.app, readSubjects, q(`{ subjects { id } } #${'x'.repeat(70_000)}`))],
    ['several operations', () => gql(t.app, readSubjects, q('query A { subjects } query B { subjects }'))],
    ['a subscription', () => gql(t.app, readSubjects, q('subscription { subjects }'))],
    ['a body that is not JSON', () => gql(t.app, readSubjects, undefined, { rawBody: '{"query":' })],
    [
      'a form body',
      () =>
        gql(t.app, readSubjects, undefined, {
          rawBody: 'query=%7B%20subjects%20%7D',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
    ],
  ])('%s', async (_what, send) => {
    const res = await send();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(upstream.requests).toHaveLength(0);
  });

  it("a revoked key's token", async () => {
    const k = await t.newKey(orgId, { scopes: ['read:subjects'] });
    const token = await tokenFor(k);
    expect((await gql(t.app, token, LIST)).status).toBe(200);
    upstream.requests.length = 0;
    const admin = await bearer(t, orgId, ['write:keys', 'read:subjects']);
    expect((await api(t, 'POST', `/orgs/${orgId}/keys/${k.id}/revoke`, { token: admin })).status).toBe(200);
    const res = await gql(t.app, token, LIST);
    expect(res.status).toBe(401);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('upstream failures', () => {
  it('answers 502 when the upstream fails, without its body', async () => {
    upstream.setMode('fail');
    const res = await gql(t.app, readSubjects, q('{ subjects { id } }'));
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain('secret internals');
    expect(upstream.requests).toHaveLength(1);
  });

  it('answers 502 to an upstream redirect and does not follow it', async () => {
    upstream.setMode('redirect');
    const res = await gql(t.app, readSubjects, q('{ subjects { id } }'));
    expect(res.status).toBe(502);
    expect(upstream.requests).toHaveLength(1);
  });

  it('answers 504 when the upstream never answers', async () => {
    upstream.setMode('hang');
    const route = createGraphqlRoute({ ...gatewayForDeps(t.deps), upstreamTimeoutMs: 300 });
    const started = Date.now();
    const res = await gql(route, readSubjects, q('{ subjects { id } }'));
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await res.json()).errors[0].extensions.code).toBe('UPSTREAM_TIMEOUT');
    expect(upstream.requests).toHaveLength(1);
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/graphql`;
    const route = createGraphqlRoute({ ...gatewayForDeps(t.deps), target: { upstream: dead } });
    const res = await gql(route, readSubjects, q('{ subjects { id } }'));
    expect(res.status).toBe(502);
    expect((await res.json()).errors[0].extensions.code).toBe('UPSTREAM_UNREACHABLE');
  });
});
