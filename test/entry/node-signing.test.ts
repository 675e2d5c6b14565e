import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { BUILTIN_SCOPE_CATALOG } from '../../src/api-keys/scopes';
import { operatorActor } from '../../src/audit/actor';
import { parseConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { openPglite } from '../../src/db/pglite';
import { type RunningServer, startNodeServer } from '../../src/entry/node';
import { silentLog } from '../../src/lib/log';
import { createOrg } from '../../src/orgs/create-org';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { basicAuth } from '../helpers/oauth-client';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

// The Node server signs with node:crypto rather than WebCrypto once a signing key has
// signed one token through jose: every token, the first and the ones after, must verify.
vi.setConfig({ testTimeout: 60_000 });

const running: { server: RunningServer; testDb: TestDatabase | undefined; database: Database }[] = [];
afterAll(async () => {
  for (const r of running) {
    await r.server.stop();
    await r.testDb?.drop();
  }
});

describe.each(['RS256', 'ES256', 'EdDSA'] as const)('a %s signing key on the Node server', (alg) => {
  it('signs tokens that verify against the JWKS, the first one and every one after it', async () => {
    const testDb = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
    const database = testDb?.database ?? (await openPglite(undefined));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = parseConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER_URL: base,
      DATABASE_URL: testDb?.url ?? 'memory://',
      KEYMINT_KEK: generateKekBase64(),
      SIGNING_ALG: alg,
    });
    const server = await startNodeServer(config, silentLog, {
      openDatabase: async () => ({ ...database, close: async () => {} }),
    });
    running.push({ server, testDb, database });

    const now = new Date();
    const actor = operatorActor('node-signing-test');
    const org = await createOrg(database.db, now, actor, { slug: `sign-${alg.toLowerCase()}`, name: alg });
    const { key, secret } = await createKey(
      { db: database.db, now, catalog: BUILTIN_SCOPE_CATALOG, actor },
      org.id,
      {
        name: 'signer',
        scopes: ['read:*'],
      },
    );
    const jwks = createLocalJWKSet(
      (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet,
    );
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${base}/token`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(key.clientId, secret),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=read:keys',
      });
      expect(res.status).toBe(200);
      const token = ((await res.json()) as { access_token: string }).access_token;
      expect(decodeProtectedHeader(token)).toMatchObject({ alg, typ: 'at+jwt' });
      const { payload } = await jwtVerify(token, jwks, { issuer: base, audience: base, typ: 'at+jwt' });
      expect(payload).toMatchObject({ client_id: key.clientId, scope: 'read:keys' });
    }
  });
});
