// Section mcp: MCP `tools/call list_keys` at /mcp against the same listing over /api/v1.
import type postgres from 'postgres';
import { createBenchDb } from './bench-db';
import type { BenchOptions } from './bench-options';
import { recordPair } from './bench-table';
import { childEnv, cli } from './child-processes';
import { alternate } from './load-rounds';
import { ms } from './result-table';
import type { PairResult } from './run-stats';
import { createKey, type Server, serveKeymint } from './servers';
import type { Side } from './side';
import { fetchToken } from './token-requests';

const KEY_COUNT = 5;
const LIST_CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'list_keys', arguments: { status: 'all', limit: 50 } },
});

/**
 * One keymint server, one org with a few keys, one read:keys token: the MCP tool call
 * (a stateless server and transport per request, JSON answers) against the REST route it
 * mirrors. Both run the same service; the difference is the protocol's cost.
 */
export async function mcpPhase(o: BenchOptions, sql: postgres.Sql, adminUrl: string): Promise<PairResult> {
  console.log(
    `\n== keymint MCP tools/call list_keys vs GET /api/v1/orgs/{org}/keys (one server; ${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, 'ES256');
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench', '--json'], env);
  const reader = await createKey(env, 'reader', ['read:keys']);
  for (let i = 1; i < KEY_COUNT; i++) await createKey(env, `listed ${i}`, ['read:keys']);
  let keymint: Server | undefined;
  try {
    keymint = await serveKeymint('keymint', db, { PGAPPNAME: 'keymint_mcp' });
    const server = keymint;
    const token = await fetchToken(server.base, reader, 'read:keys');
    const mcpHeaders = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
    };
    const check = await fetch(`${server.base}/mcp`, { method: 'POST', headers: mcpHeaders, body: LIST_CALL });
    const answer = (await check.json()) as { result?: { structuredContent?: { items: unknown[] } } };
    const listed = answer.result?.structuredContent?.items.length;
    if (check.status !== 200 || listed !== KEY_COUNT)
      throw new Error(
        `MCP list_keys answered ${check.status} with ${listed} keys: ${JSON.stringify(answer)}`,
      );
    const apiUrl = `${server.base}/api/v1/orgs/bench/keys?status=all&limit=50`;
    const rest = await fetch(apiUrl, { headers: { authorization: `Bearer ${token}` } });
    if (rest.status !== 200) throw new Error(`GET /api/v1 answered ${rest.status}: ${await rest.text()}`);
    console.log(`both list ${KEY_COUNT} keys`);

    const mcp: Side = {
      name: 'MCP tools/call',
      url: `${server.base}/mcp`,
      headers: mcpHeaders,
      body: LIST_CALL,
      pid: server.pid,
      backends: () => db.backends('keymint_mcp'),
    };
    const api: Side = {
      name: 'GET /api/v1',
      url: apiUrl,
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
      body: '',
      pid: server.pid,
      backends: () => db.backends('keymint_mcp'),
    };
    const rounds = await alternate(
      o,
      [
        { label: 'MCP tools/call', side: mcp },
        { label: 'GET /api/v1', side: api },
      ],
      'cpuµs/req',
    );
    const [m, a] = recordPair(
      'MCP list_keys vs GET /api/v1 keys',
      rounds,
      ['MCP tools/call', 'GET /api/v1'],
      { text: 'no target' },
    );
    console.log(
      `median MCP: ${Math.round(m.rps)} req/s, p50 ${ms(m.p50)} ms, p99 ${ms(m.p99)} ms | ` +
        `API: ${Math.round(a.rps)} req/s, p50 ${ms(a.p50)} ms, p99 ${ms(a.p99)} ms`,
    );
    console.log(
      `median server CPU per request: MCP ${m.cpu} + PostgreSQL ${m.dbCpu} | API ${a.cpu} + PostgreSQL ${a.dbCpu}`,
    );
    const bad = m.bad + a.bad;
    if (bad > 0) console.log(`INVALID: non-2xx or errors in ${bad} runs\n${server.tail()}`);
    return { valid: bad === 0 };
  } finally {
    await keymint?.stop();
    await db.drop();
  }
}
