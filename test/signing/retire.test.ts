import { and, eq } from 'drizzle-orm';
import type { Hono } from 'hono';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../../src/db/schema/index';
import type { AppEnv } from '../../src/deps';
import { DomainError } from '../../src/lib/domain-error';
import { listSigningKeys } from '../../src/signing/lifecycle';
import { rotateSigningKeys } from '../../src/signing/manual-rotation';
import { retireSigningKey } from '../../src/signing/retire-key';
import { signingPolicy } from '../../src/signing/signing-policy';
import { challenge, type Fetcher, gql, q, sleep } from '../gateway/gateway-helpers';
import { postForm, requestToken } from '../helpers/oauth-client';
import { type SecondInstance, startSecondInstance } from '../helpers/second-instance';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Signing keys: `signing-keys retire <kid>` takes a compromised key out of
// the JWKS at once, and the gateway, introspection and the management API stop accepting
// its tokens on this instance and, within one second, on every instance sharing the
// database. Instance A is the test app; B is a second keymint with its own keyset,
// caches and change watcher, on the same database.
let a: TestApp;
let b: SecondInstance;
let orgId: string;
let orgSlug: string;

beforeAll(async () => {
  a = await createTestApp();
  b = await startSecondInstance(a);
  const org = await a.newOrg();
  orgId = org.id;
  orgSlug = org.slug;
});
afterAll(async () => {
  await b?.stop();
  await a?.close();
});

/** What the CLI does in its own process; instance A then reloads as its change watcher would. */
async function retire(kid: string) {
  const r = await retireSigningKey(a.deps.db, a.deps.kek, signingPolicy(a.config), a.clock.now(), kid);
  await a.deps.keyset.refresh();
  return r;
}
const states = async () => {
  const rows = await listSigningKeys(a.deps.db);
  const of = (s: string) => rows.filter((r) => r.state === s).map((r) => r.kid);
  return { next: of('next'), current: of('current'), previous: of('previous'), retired: of('retired') };
};
const jwksKids = async (app: Fetcher) =>
  ((await (await app.request('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.map(
    (k) => k.kid,
  );

/** A key whose token covers the gateway's read and the management API's key list. */
async function caller() {
  const key = await a.newKey(orgId, { scopes: ['read:subjects', 'read:keys'] });
  const res = await requestToken(a.app, key);
  expect(res.status).toBe(200);
  return { key, token: (await res.json()).access_token as string };
}

/** How each surface of `app` answers the token: gateway status, introspection, management API status. */
async function answers(app: Hono<AppEnv>, c: Awaited<ReturnType<typeof caller>>) {
  const graphql = await gql(app, c.token, q('{ subjects { id } }'));
  const introspection = await postForm(
    app,
    '/introspect',
    { token: c.token },
    { auth: { id: c.key.clientId, secret: c.key.secret } },
  );
  const management = await app.request(`/api/v1/orgs/${orgSlug}/keys`, {
    headers: { authorization: `Bearer ${c.token}` },
  });
  return {
    graphql: graphql.status,
    graphqlError: challenge(graphql)?.params.error,
    active: ((await introspection.json()) as { active: boolean }).active,
    management: management.status,
  };
}
const accepted = { graphql: 200, graphqlError: undefined, active: true, management: 200 };
const refused = { graphql: 401, graphqlError: 'invalid_token', active: false, management: 401 };

describe('signing-keys retire', () => {
  it('takes the current key out of the JWKS at once; its tokens are refused here and within a second elsewhere', async () => {
    const c = await caller();
    const kid = decodeProtectedHeader(c.token).kid as string;
    const before = await states();
    expect(before.current).toEqual([kid]);
    // Both instances have verified the token, and their gateways remember it.
    expect(await answers(a.app, c)).toEqual(accepted);
    expect(await answers(b.app, c)).toEqual(accepted);

    const r = await retire(kid);
    expect(r).toMatchObject({ kid, was: 'current', rotated: { from: kid, to: before.next[0] } });

    expect(await jwksKids(a.app)).not.toContain(kid);
    expect(await answers(a.app, c)).toEqual(refused);

    const started = Date.now();
    while ((await gql(b.app, c.token, q('{ subjects { id } }'))).status !== 401) {
      if (Date.now() - started > 1000) throw new Error('instance B still accepts the token after 1 s');
      await sleep(50);
    }
    expect(await answers(b.app, c)).toEqual(refused);
    expect(await jwksKids(b.app)).not.toContain(kid);

    // One current key (the former next, signing at once) and a fresh next key.
    const after = await states();
    expect(after.current).toEqual(before.next);
    expect(after.next).toHaveLength(1);
    expect(after.next).not.toEqual(before.next);
    expect(after.retired).toContain(kid);
    expect(r.published?.kid).toBe(after.next[0]);
    const fresh = { ...c, token: (await (await requestToken(a.app, c.key)).json()).access_token as string };
    expect(decodeProtectedHeader(fresh.token).kid).toBe(before.next[0]);
    expect(await answers(a.app, fresh)).toEqual(accepted);

    const [event] = await a.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'signing_key.retired'), eq(auditEvents.targetId, kid)));
    expect(event?.details).toMatchObject({ previousState: 'current' });
  });

  it('retires a previous key, leaving the current and the next key as they were', async () => {
    const c = await caller();
    const kid = decodeProtectedHeader(c.token).kid as string;
    await rotateSigningKeys(a.deps.db, a.deps.kek, signingPolicy(a.config), a.clock.now(), {
      immediately: true,
    });
    await a.deps.keyset.refresh();
    const before = await states();
    expect(before.previous).toContain(kid);
    expect(await answers(a.app, c)).toEqual(accepted);

    const r = await retire(kid);
    expect(r).toMatchObject({ kid, was: 'previous', rotated: null, published: null });
    const after = await states();
    expect({ current: after.current, next: after.next }).toEqual({
      current: before.current,
      next: before.next,
    });
    expect(await jwksKids(a.app)).not.toContain(kid);
    expect(await answers(a.app, c)).toEqual(refused);
  });

  it('retires the next key and publishes a new one in its place', async () => {
    const before = await states();
    const kid = before.next[0] as string;
    const r = await retire(kid);
    expect(r).toMatchObject({ kid, was: 'next', rotated: null });
    const after = await states();
    expect(after.current).toEqual(before.current);
    expect(after.next).toHaveLength(1);
    expect(after.next[0]).not.toBe(kid);
    expect(r.published?.kid).toBe(after.next[0]);
    const published = await jwksKids(a.app);
    expect(published).not.toContain(kid);
    expect(published).toContain(after.next[0]);
  });

  it('refuses an unknown kid and a key already retired', async () => {
    const unknown = await retire('no-such-kid').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(DomainError);
    expect((unknown as DomainError).detail).toMatch(/no signing key has kid "no-such-kid"/);
    const gone = (await states()).retired[0] as string;
    const again = await retire(gone).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(DomainError);
    expect((again as DomainError).detail).toMatch(/already retired/);
  });
});
