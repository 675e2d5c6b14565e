import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let key: { clientId: string; secret: string };
beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: '10.0.0.0/8' });
  key = await t.newKey((await t.newOrg()).id, { allowedCidrs: ['203.0.113.0/24'] });
});
afterAll(() => t?.close());

const via = (socket: string, xff?: string) =>
  requestToken(t.app, key, {}, { ip: socket, ...(xff ? { headers: { 'x-forwarded-for': xff } } : {}) });

describe('X-Forwarded-For is believed only from TRUST_PROXY', () => {
  it('takes the client address from a trusted proxy', async () => {
    expect((await via('10.1.2.3', '203.0.113.5')).status).toBe(200);
    expect((await via('10.1.2.3', '198.51.100.9, 203.0.113.5, 10.9.9.9')).status).toBe(200);
  });

  it('ignores the header from anyone else, and a client’s own left-most claim', async () => {
    expect((await via('198.51.100.9', '203.0.113.5')).status).toBe(401);
    expect((await via('10.1.2.3', '203.0.113.5, 198.51.100.9')).status).toBe(401);
  });
});
