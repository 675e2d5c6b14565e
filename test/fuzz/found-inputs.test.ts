import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectValidation } from '../management/problems';

// Inputs the fuzzers found answering 500, kept as plain examples. Each is a date-time
// that JavaScript parses but PostgreSQL cannot read back: JavaScript writes years past
// 9999 as `+010000-…`, and neither it nor PostgreSQL has a usable year 0000.
let t: TestApp;
let org: { id: string; slug: string };
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  org = await t.newOrg();
  token = await bearer(t, org.id, ['read:keys', 'write:keys', 'read:usage', 'read:audit']);
});
afterAll(() => t?.close());

const cursorAt = (at: string) => btoa(`${at}|key_x`).replace(/=+$/, '');

describe('date-times outside the years 0001–9999 are a 400, not a server error', () => {
  it.each([
    ['audit-events?since=%2B275760-09-13T00:00:00.000Z', 'since'],
    ['audit-events?until=0000-01-01T00:00:00Z', 'until'],
    ['audit-events?since=12%20Jan%2010000', 'since'],
    [`audit-events?cursor=${cursorAt('+010000-01-01T00:00:00.000Z')}`, 'cursor'],
    [`audit-events?cursor=${cursorAt('0000-06-01T00:00:00.000Z')}`, 'cursor'],
    [`keys?cursor=${cursorAt('-000001-01-01T00:00:00.000Z')}`, 'cursor'],
  ])('GET …/%s names %s', async (query, field) => {
    const res = await api(t, 'GET', `/orgs/${org.slug}/${query}`, { token });
    const problem = await expectValidation(res, field);
    expect(problem.detail).toMatch(/0001 and 9999|RFC 3339|cursor/);
  });

  it('a key expiring at 9999-12-31T23:59:59-23:59 (year 10000 in UTC) → 400 naming expiresAt, nothing created', async () => {
    const name = 'expires in year ten thousand';
    const res = await api(t, 'POST', `/orgs/${org.slug}/keys`, {
      token,
      body: { name, scopes: ['read:keys'], expiresAt: '9999-12-31T23:59:59-23:59' },
    });
    const problem = await expectValidation(res, 'expiresAt');
    expect(problem.detail).toMatch(/0001 and 9999/);
    const list = await (await api(t, 'GET', `/orgs/${org.slug}/keys?status=all&limit=100`, { token })).json();
    expect(list.items.map((k: { name: string }) => k.name)).not.toContain(name);
  });

  it.each([
    ['usage?from=0000-12-31T12:00:00Z&to=0001-01-01T00:00:00Z', 'from'],
    ['usage?from=0001-01-01T00:00:00%2B01:00&to=0001-01-01T05:00:00Z', 'from'],
    ['usage?from=9999-12-31T20:00:00Z&to=9999-12-31T23:00:00-05:00', 'to'],
    // No `from`: the default window reaches back before year 1.
    ['usage?granularity=day&to=0001-01-10T00:00:00Z', 'from'],
  ])('GET …/%s → 400 naming %s', async (query, field) => {
    await expectValidation(await api(t, 'GET', `/orgs/${org.slug}/${query}`, { token }), field);
  });
});
