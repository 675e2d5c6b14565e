import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearer } from '../helpers/api-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem } from './problems';

// Every answer under /api/v1 is JSON, and every error a problem document: unknown
// routes and methods included.
let t: TestApp;
let token: string;
let keyPath: string;

beforeAll(async () => {
  t = await createTestApp();
  const org = await t.newOrg();
  token = await bearer(t, org.id, ['read:keys', 'write:keys']);
  const key = await t.newKey(org.id, { scopes: ['read:keys'] });
  keyPath = `/orgs/${org.slug}/keys/${key.id}`;
});
afterAll(() => t?.close());

describe('routes /api/v1 does not have', () => {
  it('an unknown path → 404 problem, with or without credentials', async () => {
    for (const o of [{}, { token }]) {
      const p = await expectProblem(await api(t, 'GET', '/nope', o), 404, 'not-found');
      expect(p.detail).toContain('/api/v1/nope');
    }
    await expectProblem(await api(t, 'GET', '/orgs/x/keys/y/z/w', { token }), 404, 'not-found');
  });

  it('a known path under another method → 405 problem with Allow', async () => {
    const res = await api(t, 'PUT', keyPath, { token, body: {} });
    await expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'PATCH']);
    const doc = await api(t, 'DELETE', '/openapi.json');
    await expectProblem(doc, 405, 'method-not-allowed');
    expect(doc.headers.get('allow')).toBe('GET');
  });
});
