import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLog } from '../../src/lib/log';
import { requestToken } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

// Anything unexpected is answered with a fixed server_error that names a request id,
// and logged once under that id; the internal message never reaches the caller and no
// credential reaches the log.
let t: TestApp;
let key: { clientId: string; secret: string };
const lines: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  key = await t.newKey((await t.newOrg()).id);
  t.deps.log = createLog((l) => lines.push(l));
  t.deps.keyLookup = async () => {
    throw new Error('connection to 10.0.0.7 refused (internal detail)');
  };
});
afterAll(() => t?.close());

describe('an unexpected failure on /token', () => {
  it('answers 500 server_error with a request id, and logs that id once', async () => {
    const res = await requestToken(t.app, key);
    expect(res.status).toBe(500);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body.error).toBe('server_error');
    const id = /^internal error \(request ([0-9a-f-]{36})\)$/.exec(body.error_description)?.[1];
    expect(id).toBeDefined();
    expect(JSON.stringify(body)).not.toContain('internal detail');

    const logged = lines.map((l) => JSON.parse(l)).filter((l) => l.requestId === id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'error', path: '/token' });
    expect(lines.join('\n')).not.toContain(key.secret);
  });

  it('gives each failure its own id', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await (await requestToken(t.app, key)).json()).error_description);
    expect(ids.size).toBe(3);
  });
});
