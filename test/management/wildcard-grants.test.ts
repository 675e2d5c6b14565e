import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearer } from '../helpers/api-client';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { expectProblem } from './problems';

// A wildcard grants what the catalog gains later, so a caller may hand one out only
// if its own grant holds the same or a broader wildcard. Tokens carry concrete scopes,
// so a token grants concrete scopes only, and may not act on keys holding wildcards.
let t: TestApp;
let keysPath: string;
let orgId: string;
let token: string;

beforeAll(async () => {
  // admin:keys joins the catalog: `*:keys` would now reach past `write:keys`.
  t = await createTestApp({ EXTRA_SCOPES: 'admin:keys' });
  const org = await t.newOrg();
  orgId = org.id;
  keysPath = `/orgs/${org.slug}/keys`;
  token = await bearer(t, org.id, ['read:keys', 'write:keys']);
});
afterAll(() => t?.close());

describe('wildcard grants', () => {
  it.each([['*:keys'], ['read:*'], ['*:*']])(
    'a write:keys token may not create a key with %s',
    async (scope) => {
      const res = await api(t, 'POST', keysPath, { token, body: { name: 'wide', scopes: [scope] } });
      const p = await expectProblem(res, 403, 'forbidden');
      expect(p.detail).toMatch(/wildcard/);
    },
  );

  it('it may create one with the concrete scopes its token holds', async () => {
    const res = await api(t, 'POST', keysPath, {
      token,
      body: { name: 'narrow', scopes: ['read:keys', 'write:keys'] },
    });
    expect(res.status).toBe(201);
  });

  it('it may not rotate or re-scope a key whose grant is a wildcard', async () => {
    const wide = await t.newKey(orgId, { name: 'wildcard key', scopes: ['read:keys', '*:keys'] });
    await expectProblem(
      await api(t, 'POST', `${keysPath}/${wide.id}/rotate`, { token, body: {} }),
      403,
      'forbidden',
    );
    await expectProblem(
      await api(t, 'PATCH', `${keysPath}/${wide.id}`, { token, body: { scopes: ['read:keys'] } }),
      403,
      'forbidden',
    );
  });

  it('the refusal matters: a *:keys key gets admin:keys, which write:keys does not cover', async () => {
    const wide = await t.newKey(orgId, { name: 'wide', scopes: ['*:keys'] });
    const res = await requestToken(t.app, wide);
    expect((await res.json()).scope.split(' ')).toContain('admin:keys');
  });
});
