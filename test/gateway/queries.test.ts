import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { gql, q } from './gateway-helpers';

// The gateway's built-in schema, as a client with a real token uses it.
let t: TestApp;
let orgA: string;
let orgB: string;
let readA: string;
let writeA: string;
let rwB: string;

beforeAll(async () => {
  t = await createTestApp();
  orgA = (await t.newOrg()).id;
  orgB = (await t.newOrg()).id;
  readA = await bearer(t, orgA, ['read:subjects']);
  writeA = await bearer(t, orgA, ['read:subjects', 'write:subjects']);
  rwB = await bearer(t, orgB, ['read:subjects', 'write:subjects']);
});
afterAll(() => t?.close());

type Subject = { id: string; name: string };

async function subjectsOf(token: string): Promise<Subject[]> {
  const res = await gql(t.app, token, q('{ subjects { id name } }'));
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.errors).toBeUndefined();
  return body.data.subjects;
}

async function create(token: string, name: string): Promise<Subject> {
  const res = await gql(
    t.app,
    token,
    q('mutation($name: String!) { createSubject(name: $name) { id name } }', { variables: { name } }),
  );
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.errors).toBeUndefined();
  return body.data.createSubject;
}

describe('POST /graphql with the built-in schema', () => {
  it('answers the contract example with a token from /token', async () => {
    const res = await t.app.request('/graphql', {
      method: 'POST',
      headers: { Authorization: `Bearer ${readA}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: '{ subjects { id name } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ data: { subjects: [] } });
  });

  it('accepts the scheme name in any case (RFC 6750 / RFC 9110 §11.1)', async () => {
    const res = await gql(t.app, undefined, q('{ subjects { id } }'), { authorization: `bearer ${readA}` });
    expect(res.status).toBe(200);
  });

  it('creates, renames and deletes subjects with write:subjects', async () => {
    const created = await create(writeA, '  Ada Lovelace ');
    expect(created).toEqual({ id: expect.any(String), name: 'Ada Lovelace' });
    expect(await subjectsOf(readA)).toContainEqual(created);

    const renamed = await gql(
      t.app,
      writeA,
      q(`mutation { renameSubject(id: "${created.id}", name: "Countess of Lovelace") { id name } }`),
    );
    expect(await renamed.json()).toEqual({
      data: { renameSubject: { id: created.id, name: 'Countess of Lovelace' } },
    });
    expect(await subjectsOf(readA)).toContainEqual({ id: created.id, name: 'Countess of Lovelace' });

    const deleted = await gql(t.app, writeA, q(`mutation { deleteSubject(id: "${created.id}") }`));
    expect(await deleted.json()).toEqual({ data: { deleteSubject: true } });
    expect((await subjectsOf(readA)).map((s) => s.id)).not.toContain(created.id);

    const again = await gql(t.app, writeA, q(`mutation { deleteSubject(id: "${created.id}") }`));
    expect(await again.json()).toEqual({ data: { deleteSubject: false } });
  });

  it('runs the operation named by operationName, and only that one', async () => {
    const doc = `query List { subjects { name } }
      mutation Add { createSubject(name: "picked") { name } }`;
    const listed = await gql(t.app, writeA, q(doc, { operationName: 'List' }));
    expect(listed.status).toBe(200);
    expect((await subjectsOf(readA)).map((s) => s.name)).not.toContain('picked');
    const added = await gql(t.app, writeA, q(doc, { operationName: 'Add' }));
    expect(await added.json()).toEqual({ data: { createSubject: { name: 'picked' } } });
  });

  it("never shows one organisation another's subjects", async () => {
    const mine = await create(writeA, 'belongs to A');
    const theirs = await create(rwB, 'belongs to B');
    const seenByA = await subjectsOf(readA);
    const seenByB = await subjectsOf(rwB);
    expect(seenByA).toContainEqual(mine);
    expect(seenByA).not.toContainEqual(theirs);
    expect(seenByB).toEqual([theirs]);
  });

  it("refuses to rename or delete another organisation's subject, leaving it unchanged", async () => {
    const victim = await create(writeA, 'A property');
    const rename = await gql(
      t.app,
      rwB,
      q(`mutation { renameSubject(id: "${victim.id}", name: "pwned") { id name } }`),
    );
    expect(rename.status).toBe(200);
    const body = await rename.json();
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0].message).not.toMatch(/A property/);

    const del = await gql(t.app, rwB, q(`mutation { deleteSubject(id: "${victim.id}") }`));
    expect(await del.json()).toEqual({ data: { deleteSubject: false } });

    expect(await subjectsOf(readA)).toContainEqual(victim);
  });

  it('answers invalid names with a GraphQL error, never a 500, and stores nothing', async () => {
    const existing = await create(writeA, 'to rename');
    const before = await subjectsOf(readA);
    for (const name of ['', '   ', 'x'.repeat(101)]) {
      const res = await gql(
        t.app,
        writeA,
        q('mutation($n: String!) { createSubject(name: $n) { id } }', { variables: { n: name } }),
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.data).toBeNull();
      expect(body.errors[0]).toMatchObject({
        message: expect.stringMatching(/^name: must be 1–100 characters/),
        extensions: { code: 'VALIDATION' },
      });
      const rename = await gql(
        t.app,
        writeA,
        q('mutation($id: ID!, $n: String!) { renameSubject(id: $id, name: $n) { id } }', {
          variables: { id: existing.id, n: name },
        }),
      );
      expect(rename.status).toBe(200);
      expect((await rename.json()).errors[0].extensions.code).toBe('VALIDATION');
    }
    expect(await subjectsOf(readA)).toEqual(before);
  });

  it('answers type errors in variables and unknown fields as GraphQL errors, not 500', async () => {
    const wrongType = await gql(
      t.app,
      writeA,
      q('mutation($n: String!) { createSubject(name: $n) { id } }', { variables: { n: { a: 1 } } }),
    );
    expect(wrongType.status).toBeLessThan(500);
    expect((await wrongType.json()).errors[0].message).toMatch(/\$n/);

    const missing = await gql(t.app, writeA, q('mutation($n: String!) { createSubject(name: $n) { id } }'));
    expect(missing.status).toBeLessThan(500);
    expect((await missing.json()).errors).toHaveLength(1);

    const unknown = await gql(t.app, readA, q('{ subjects { id secret } }'));
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).errors[0].message).toMatch(/secret/);
  });
});
