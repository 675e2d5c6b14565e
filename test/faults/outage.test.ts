import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaultDatabase, type FaultDatabase } from './fault-db';
import { type KeymintProcess, startKeymintProcess } from './keymint-process';

// A running `keymint serve` whose PostgreSQL database starts refusing connections and
// later comes back: every answer during the outage is the contract's, within 5 s; what
// memory can serve keeps working; everything recovers without a restart; and usage
// counted before the outage reaches the database once it is back.
let db: FaultDatabase;
let k: KeymintProcess;

beforeAll(async () => {
  db = await createFaultDatabase();
  k = await startKeymintProcess(db.url);
}, 120_000);

afterAll(async () => {
  await k?.close();
  await db?.drop();
});

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: string;
}

async function timed(path: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${k.base}${path}`, init);
  const body = await res.text();
  return {
    status: res.status,
    ms: Math.round(performance.now() - started),
    retryAfter: res.headers.get('retry-after'),
    body,
  };
}

const tokenRequest = (): RequestInit => k.tokenRequest();

const formWithToken = (token: string): RequestInit => ({
  ...tokenRequest(),
  body: new URLSearchParams({ token }).toString(),
});

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
});

const graphql = (token: string, query: string): RequestInit =>
  bearer(token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });

async function newToken(): Promise<string> {
  const res = await timed('/token', tokenRequest());
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body).access_token;
}

const timeline: string[] = [];
const note = (what: string, a: Answer) =>
  timeline.push(
    `${what.padEnd(44)} ${String(a.status).padEnd(4)} ${String(a.ms).padStart(5)} ms  Retry-After: ${a.retryAfter ?? '-'}`,
  );

// (`params:` alone would match the grant types' `urn:ietf:params:`; drizzle's SQL shows as `Failed query`.)
const INTERNAL = /select |insert into|Failed query|postgres|ECONNREFUSED| {4}at |node_modules|org_id"/i;

describe('a database outage under a running server', () => {
  it('answers by the contract during the outage and recovers without a restart, losing no usage', async () => {
    const token = await newToken();
    // Warm what memory may serve from: the gateway's verified caller and revocation entries.
    expect((await timed('/graphql', graphql(token, '{ subjects { id } }'))).status).toBe(200);
    // Usage counted just before the outage is still in memory when the database goes.
    const before = 25;
    for (let i = 0; i < before; i++) await newToken();

    await db.cut();
    const cutAt = performance.now();
    // The server notices through its own requests: wait until readiness says so.
    for (let i = 0; i < 50 && (await timed('/readyz')).status !== 503; i++)
      await new Promise((r) => setTimeout(r, 100));
    // A key this instance has already proven is served from memory while its lease on
    // the change stream lasts (2 s); after that every token needs the database.
    let fromMemory = 0;
    let issuedFromMemory = 0;
    while ((await timed('/token', tokenRequest())).status === 200) {
      issuedFromMemory++;
      fromMemory = performance.now() - cutAt;
      await new Promise((r) => setTimeout(r, 100));
    }
    timeline.push(
      `after the cut, tokens from memory for ${Math.round(fromMemory)} ms (the lease bound is 2000 ms)`,
    );
    expect(fromMemory).toBeLessThan(2500);

    const during: [string, Answer, number][] = [
      ['POST /token', await timed('/token', tokenRequest()), 503],
      ['POST /introspect', await timed('/introspect', formWithToken(token)), 503],
      ['POST /revoke', await timed('/revoke', formWithToken(token)), 503],
      ['GET /api/v1/orgs/acme/keys', await timed('/api/v1/orgs/acme/keys', bearer(token)), 503],
      ['GET /.well-known/jwks.json', await timed('/.well-known/jwks.json'), 200],
      [
        'GET /.well-known/oauth-authorization-server',
        await timed('/.well-known/oauth-authorization-server'),
        200,
      ],
      ['GET /healthz', await timed('/healthz'), 200],
      ['GET /readyz', await timed('/readyz'), 503],
    ];
    for (const [what, a, status] of during) {
      note(`during: ${what}`, a);
      expect(a.status, `${what}: ${a.body}`).toBe(status);
      expect(a.ms, what).toBeLessThan(5000);
      expect(a.body, what).not.toMatch(INTERNAL);
      if (status === 503 && what !== 'GET /readyz') expect(Number(a.retryAfter), what).toBeGreaterThan(0);
    }
    expect(JSON.parse(during[0]?.[1].body ?? '{}').error).toBe('temporarily_unavailable');
    expect(JSON.parse(during[3]?.[1].body ?? '{}').type).toMatch(/:unavailable$/);

    // The gateway still verifies the token from memory; the data it cannot read is a GraphQL error.
    const gw = await timed('/graphql', graphql(token, '{ subjects { id } }'));
    note('during: POST /graphql (verified from memory)', gw);
    expect(gw.ms).toBeLessThan(5000);
    expect(gw.body).not.toMatch(INTERNAL);
    expect(JSON.parse(gw.body).errors[0].extensions.code).toBe('UNAVAILABLE');
    // An unknown token is still refused, from memory.
    const forged = await timed('/graphql', graphql(`${token.slice(0, -4)}AAAA`, '{ subjects { id } }'));
    note('during: POST /graphql (forged token)', forged);
    expect(forged.status).toBe(401);

    // Long enough for at least one usage flush (every 5 s) to fail.
    await new Promise((r) => setTimeout(r, 6000));
    await db.restore();
    const restoredAt = performance.now();
    let recovered: Answer | undefined;
    for (let i = 0; i < 100; i++) {
      recovered = await timed('/token', tokenRequest());
      if (recovered.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    note('after: POST /token', recovered as Answer);
    timeline.push(
      `time to recover /token: ${Math.round(performance.now() - restoredAt)} ms after the database accepted connections`,
    );
    expect(recovered?.status).toBe(200);
    expect((await timed('/readyz')).status).toBe(200);
    expect((await timed('/api/v1/orgs/acme/keys', bearer(token))).status).toBe(200);
    const gwAfter = await timed('/graphql', graphql(token, '{ subjects { id } }'));
    expect(JSON.parse(gwAfter.body)).toEqual({ data: { subjects: [] } });

    // Everything counted arrives: 1 + 25 tokens before, those from memory during the lease, and the recovery probe.
    const expected = 1 + before + issuedFromMemory + 1;
    let issued = 0;
    for (let i = 0; i < 100 && issued < expected; i++) {
      const usage = await timed('/api/v1/orgs/acme/usage', bearer(token));
      issued = JSON.parse(usage.body).totals.issued;
      if (issued < expected) await new Promise((r) => setTimeout(r, 200));
    }
    timeline.push(`usage after recovery: ${issued} tokens issued recorded (expected ${expected})`);
    expect(issued).toBe(expected);
    const shown = JSON.parse((await timed(`/api/v1/orgs/acme/keys/${k.key.clientId}`, bearer(token))).body);
    expect(shown.lastUsedAt).not.toBeNull();
    console.log(`\n${timeline.join('\n')}\n`);
  }, 120_000);

  it('SIGTERM flushes what was counted since and exits within 10 s', async () => {
    const token = await newToken();
    const [row] = await db.query<{ n: string }>(
      'SELECT COALESCE(SUM(issued), 0)::text AS n FROM usage_hourly',
    );
    const stoppedAt = performance.now();
    const exited = new Promise<number | null>((resolve) => k.child.on('exit', (code) => resolve(code)));
    k.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const took = performance.now() - stoppedAt;
    console.log(`SIGTERM to exit: ${Math.round(took)} ms`);
    expect(took).toBeLessThan(10_000);
    const [after] = await db.query<{ n: string }>(
      'SELECT COALESCE(SUM(issued), 0)::text AS n FROM usage_hourly',
    );
    expect(Number(after?.n)).toBeGreaterThan(Number(row?.n));
    expect(token).toMatch(/^ey/);
  }, 30_000);
});
