import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app';

let t: TestApp;
let key: { clientId: string; secret: string };
beforeAll(async () => {
  t = await createTestApp();
  key = await t.newKey((await t.newOrg()).id);
});
afterAll(() => t?.close());

const bodies: (string | Uint8Array)[] = [
  '',
  '%%%',
  '&&&=&=',
  'grant_type',
  'grant_type=%zz',
  '\u0000\u0001',
  Uint8Array.from({ length: 256 }, (_, i) => i),
  `grant_type=client_credentials&client_id=${'a'.repeat(10_000)}&client_secret=x`,
  `grant_type=client_credentials&client_id=km_0123456789012345678901&client_secret=${'😀'.repeat(100)}`,
  'token=a.b.c',
  `token=${'x'.repeat(60_000)}`,
];
const authorizations = [
  undefined,
  'Basic',
  'Basic =',
  `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0x41]).toString('base64')}`,
  `Basic ${Buffer.from('%E0%A4%A:%ZZ').toString('base64')}`,
  'Negotiate abc',
  `Basic ${'A'.repeat(8000)}`,
];

describe('malformed requests never cause a 500', () => {
  for (const path of ['/token', '/introspect', '/revoke']) {
    it(`${path} answers every malformed body and header with a JSON OAuth error`, async () => {
      let i = 0;
      for (const body of bodies) {
        for (const authorization of authorizations) {
          const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
          if (authorization) headers.authorization = authorization;
          const res = await t.app.request(
            path,
            { method: 'POST', headers, body: body as BodyInit },
            // A fresh address per request, so the throttle does not answer for the parser.
            {
              incoming: {
                socket: { remoteAddress: `10.${path.length}.${Math.floor(i / 250)}.${i++ % 250}` },
              },
            },
          );
          expect({ path, body: String(body).slice(0, 30), authorization, status: res.status }).toEqual({
            path,
            body: String(body).slice(0, 30),
            authorization,
            status: expect.toSatisfy((s: number) => [400, 401].includes(s)),
          });
          expect(typeof (await res.json()).error).toBe('string');
        }
      }
    });
  }

  it('accepts a charset parameter on the content type', async () => {
    const res = await t.app.request(
      '/token',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: key.clientId,
          client_secret: key.secret,
        }),
      },
      { incoming: { socket: { remoteAddress: '10.9.9.9' } } },
    );
    expect(res.status).toBe(200);
  });

  it('refuses a missing content type', async () => {
    const res = await t.app.request(
      '/token',
      { method: 'POST', body: 'grant_type=client_credentials' },
      { incoming: { socket: { remoteAddress: '10.9.9.8' } } },
    );
    expect(res.status).toBe(400);
  });
});
