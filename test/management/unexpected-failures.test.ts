import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { operatorActor } from '../../src/audit/actor';
import { createUser } from '../../src/auth/users';
import { createLog } from '../../src/lib/log';
import { gql, q } from '../gateway/gateway-helpers';
import { api, bearer, signIn } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem } from './problems';

// A failure no rule explains, inside the database (a trigger raising an error, as a
// broken migration or a full disk would): every surface answers a fixed message naming
// a request id, and logs exactly one line under that id with the stack — and never the
// SQL's parameters, which hold secret digests and password hashes.
let t: TestApp;
let org: { id: string; slug: string };
let token: string;
let subjectsToken: string;
let session: { cookie: string; csrf: string };
const lines: string[] = [];

const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  t = await createTestApp({ BCRYPT_COST: '4' });
  org = await t.newOrg();
  token = await bearer(t, org.id, ['read:keys', 'write:keys']);
  subjectsToken = await bearer(t, org.id, ['read:subjects', 'write:subjects']);
  await createUser(t.deps.db, t.deps.passwordHasher, t.clock.now(), operatorActor(), {
    email: 'admin@broken.example',
    password: PASSWORD,
    orgId: org.id,
    role: 'admin',
  });
  session = await signIn(t, 'admin@broken.example', PASSWORD);
  t.deps.log = createLog((l) => lines.push(l));
  // Surfaces take the log when the app is built: build it again around this one.
  t.app = createApp(t.deps);
  await t.deps.db.execute(
    sql.raw(`CREATE FUNCTION refuse_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'disk full (internal detail)'; END $$`),
  );
  for (const table of ['api_keys', 'subjects']) {
    await t.deps.db.execute(
      sql.raw(
        `CREATE TRIGGER refuse_${table} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION refuse_insert()`,
      ),
    );
  }
});
afterAll(() => t?.close());

/** The one log line of a request id: error level, with a stack, and nothing secret. */
function loggedOnce(requestId: string) {
  const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === requestId);
  expect(logged).toHaveLength(1);
  const line = JSON.stringify(logged[0]);
  expect(logged[0].level).toBe('error');
  expect(logged[0].error.stack).toMatch(/\n\s+at /);
  expect(line).toContain('internal detail');
  expect(line).not.toMatch(/sha256:[0-9a-f]{64}/);
  expect(line).not.toMatch(/\$2[aby]\$/);
  expect(line).not.toMatch(/kms_[0-9A-Za-z]{20}/);
  expect(line).not.toContain('params:');
  return logged[0];
}

const requestIdIn = (text: string) => /request ([0-9a-f-]{36})/.exec(text)?.[1] as string;

describe('an unexpected failure', () => {
  it('on /api/v1: a server-error problem naming the request id, logged once without the digest', async () => {
    const res = await api(t, 'POST', `/orgs/${org.slug}/keys`, {
      token,
      body: { name: 'x', scopes: ['read:keys'] },
    });
    const p = await expectProblem(res, 500, 'server-error');
    expect(p.detail).not.toMatch(/internal detail|insert|api_keys/);
    loggedOnce(requestIdIn(p.detail));
  });

  it('on /graphql: a GraphQL error naming the request id, logged once', async () => {
    const res = await gql(t.app, subjectsToken, q('mutation { createSubject(name: "x") { id } }'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(body.errors[0].message).not.toMatch(/internal detail|insert|subjects|org_id/);
    loggedOnce(requestIdIn(body.errors[0].message));
  });

  it('in the console: an error page naming the request id, logged once', async () => {
    const res = await t.app.request(`/console/orgs/${org.slug}/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf, name: 'x', scopes: 'read:keys', expiresIn: '90d' }),
    });
    expect(res.status).toBe(500);
    const html = await res.text();
    expect(html).not.toMatch(/internal detail|insert into/i);
    loggedOnce(requestIdIn(html));
  });
});
