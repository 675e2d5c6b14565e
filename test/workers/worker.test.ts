import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { generateSecret } from '../../src/api-keys/secrets';
import { parseConfig } from '../../src/config';
import { openPostgres } from '../../src/db/postgres';
import { apiKeys, usageHourly } from '../../src/db/schema/index';
import worker from '../../src/entry/worker';
import { importKek } from '../../src/signing/kek';
import { listSigningKeys } from '../../src/signing/lifecycle';
import { rotateSigningKeys } from '../../src/signing/manual-rotation';
import { signingPolicy } from '../../src/signing/signing-policy';
import { isJtiRevoked, revokeJti } from '../../src/tokens/revoked-tokens';
import { lockTable } from '../helpers/table-lock';

// Everything below runs inside workerd, against the PostgreSQL database global-setup.ts made.
const client = inject('workerClient');
const issuer = String(env.ISSUER_URL);
const audience = String(env.API_AUDIENCE);

/** RFC 6749 §2.3.1: form-encode each part before base64. */
const basic = (id: string, secret: string) =>
  `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;

function tokenRequest(secret = client.clientSecret, body = 'grant_type=client_credentials'): Request {
  return new Request(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: basic(client.clientId, secret),
      'CF-Connecting-IP': '203.0.113.7',
    },
    body,
  });
}

describe('keymint on Cloudflare Workers', () => {
  it('issues an RS256 at+jwt access token for client_secret_basic', async () => {
    const res = await exports.default.fetch(tokenRequest());
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'read:subjects read:keys read:usage read:audit',
    });
    const header = decodeProtectedHeader(String(body.access_token));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(header.kid).toEqual(expect.any(String));
  });

  it('answers MCP tools/list at /mcp for a token with read:keys', async () => {
    const token = ((await (await exports.default.fetch(tokenRequest())).json()) as { access_token: string })
      .access_token;
    const res = await exports.default.fetch(
      new Request(`${issuer}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'CF-Connecting-IP': '203.0.113.7',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { tools: { name: string }[] } };
    expect(body.result.tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['whoami', 'list_keys', 'get_key']),
    );
  });

  it('publishes a JWKS the token verifies against with jose', async () => {
    const token = ((await (await exports.default.fetch(tokenRequest())).json()) as { access_token: string })
      .access_token;
    const res = await exports.default.fetch(new Request(`${issuer}/.well-known/jwks.json`));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect(res.headers.get('etag')).toBeTruthy();
    const jwks = (await res.json()) as JSONWebKeySet;
    // The current key and the pre-published next one.
    expect(jwks.keys.length).toBeGreaterThanOrEqual(2);
    for (const key of jwks.keys)
      expect(key).toMatchObject({ kid: expect.any(String), alg: 'RS256', use: 'sig' });
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer,
      audience,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });
    expect(jwks.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
    expect(payload).toMatchObject({ sub: client.clientId, client_id: client.clientId, org_id: client.orgId });
    expect(payload.scope).toBe('read:subjects read:keys read:usage read:audit');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('answers a wrong secret with 401 invalid_client and WWW-Authenticate', async () => {
    // Well-formed (valid checksum), so it reaches the digest comparison in the database.
    const wrong = generateSecret();
    const res = await exports.default.fetch(tokenRequest(wrong));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('invalid_client');
    expect(JSON.stringify(body)).not.toContain(client.clientSecret);
  });

  it('flushes usage and last use (with the CF-Connecting-IP address) after answering', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(tokenRequest(), env, ctx);
    expect(res.status).toBe(200);
    await waitOnExecutionContext(ctx);
    // Read back in this test's own request context; like the worker, never ended.
    const { db } = openPostgres(String(env.DATABASE_URL), { max: 1 });
    const [key] = await db.select().from(apiKeys).where(eq(apiKeys.clientId, client.clientId));
    expect(key?.lastUsedIp).toBe('203.0.113.7');
    const rows = await db
      .select()
      .from(usageHourly)
      .where(eq(usageHourly.keyId, key?.id ?? ''));
    expect(rows.reduce((n, r) => n + r.issued, 0)).toBeGreaterThanOrEqual(1);
  });

  it('runs the cron maintenance: purges expired revocations, keeps current and next keys', async () => {
    const { db } = openPostgres(String(env.DATABASE_URL), { max: 1 });
    const jti = crypto.randomUUID();
    await revokeJti(db, jti, client.orgId, new Date(Date.now() - 60_000));
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env);
    expect(await isJtiRevoked(db, jti)).toBe(false);
    const live = await listSigningKeys(db, ['current', 'next']);
    expect(live.map((k) => k.state).sort()).toEqual(['current', 'next']);
  });

  it('signs with the keys its isolate holds, and reads them again once they are a second old', async () => {
    const kidOf = async (res: Response) => {
      expect(res.status).toBe(200);
      return decodeProtectedHeader(((await res.json()) as { access_token: string }).access_token).kid;
    };
    // Older than a second by now: this request reads the signing keys once.
    await new Promise((r) => setTimeout(r, 1100));
    const before = await kidOf(await exports.default.fetch(tokenRequest()));
    // With the signing keys locked away (no read can finish), a warm isolate still issues
    // tokens and serves its JWKS: it holds the keys, decrypted and imported.
    const sql = postgres(String(env.DATABASE_URL), { max: 1, onnotice: () => {} });
    const lock = await lockTable(sql, 'signing_keys');
    try {
      const answered = await Promise.race([
        Promise.all([
          exports.default.fetch(tokenRequest()),
          exports.default.fetch(new Request(`${issuer}/.well-known/jwks.json`)),
        ]),
        new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 5000)),
      ]);
      expect(answered).not.toBe('blocked');
      const [token, jwks] = answered as [Response, Response];
      expect(await kidOf(token)).toBe(before);
      expect(jwks.status).toBe(200);
      // The same prepared bytes, served again: still the whole JWKS.
      expect(((await jwks.json()) as JSONWebKeySet).keys.length).toBeGreaterThanOrEqual(2);
    } finally {
      await lock.release();
    }
    // Rotated elsewhere (an operator's --now): the isolate signs with the new key once its
    // keys are a second old, as a Node server's change watcher would switch.
    const { db } = openPostgres(String(env.DATABASE_URL), { max: 1 });
    const config = parseConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])));
    const rotated = await rotateSigningKeys(
      db,
      await importKek(String(env.KEYMINT_KEK)),
      signingPolicy(config),
      new Date(),
      { immediately: true },
    );
    expect(rotated.from).toBe(before);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await kidOf(await exports.default.fetch(tokenRequest()))).toBe(rotated.to);
  });

  it('reaches PostgreSQL through a Hyperdrive binding when there is one, whatever DATABASE_URL says', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      tokenRequest(),
      { ...env, DATABASE_URL: 'pglite://./data', HYPERDRIVE: { connectionString: String(env.DATABASE_URL) } },
      ctx,
    );
    expect(res.status).toBe(200);
    await waitOnExecutionContext(ctx);
  });

  it('refuses an embedded database with a 500 that names the variable', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${issuer}/healthz`),
      { ...env, DATABASE_URL: 'memory://' },
      ctx,
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('server_error');
    expect(String(body.error_description)).toContain('DATABASE_URL');
  });
});
