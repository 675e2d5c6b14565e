// Section gateway: keymint's POST /graphql against the same schema without authentication.
import type postgres from 'postgres';
import { createBenchDb } from './bench-db';
import type { BenchOptions } from './bench-options';
import { recordPair } from './bench-table';
import { childEnv, cli } from './child-processes';
import { alternate } from './load-rounds';
import { ms } from './result-table';
import type { PairResult } from './run-stats';
import { createKey, type Server, serveKeymint, startBaseline } from './servers';
import type { Side } from './side';
import { fetchToken } from './token-requests';

export const GATEWAY_TARGET = 0.85;
const SUBJECTS_QUERY = '{ subjects { id name } }';
const SUBJECT_COUNT = 5;

/** One GraphQL request; throws unless it is a 200 without errors. Returns the body as sent. */
async function graphql(url: string, query: string, token?: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const text = await res.text();
  if (res.status !== 200 || 'errors' in (JSON.parse(text) as object))
    throw new Error(`${url} answered ${res.status}: ${text}`);
  return text;
}

/**
 * keymint's POST /graphql against the same built-in schema served without
 * authentication (test/bench/unauthenticated-graphql.ts) on the same database and org.
 * The keymint side sends a read:subjects token, fetched afresh before each run.
 */
export async function gatewayPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
): Promise<PairResult> {
  console.log(
    `\n== keymint POST /graphql vs the same schema without authentication (one database; ` +
      `${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const env = childEnv(db.env);
  const org = JSON.parse(await cli(['org', 'create', 'bench', '--json'], env)) as { id: string };
  const reader = await createKey(env, 'reader', ['read:subjects']);
  const writer = await createKey(env, 'writer', ['write:subjects']);
  let keymint: Server | undefined;
  let baseline: Server | undefined;
  try {
    keymint = await serveKeymint('keymint', db, { PGAPPNAME: 'keymint_gateway' });
    const gatewayUrl = `${keymint.base}/graphql`;
    const write = await fetchToken(keymint.base, writer, 'write:subjects');
    for (let i = 1; i <= SUBJECT_COUNT; i++)
      await graphql(gatewayUrl, `mutation { createSubject(name: "bench subject ${i}") { id } }`, write);

    const started = await startBaseline(db, org.id, 'unauthenticated_graphql');
    baseline = started;
    const baseUrl = started.base;

    const expected = await graphql(
      gatewayUrl,
      SUBJECTS_QUERY,
      await fetchToken(keymint.base, reader, 'read:subjects'),
    );
    const got = (JSON.parse(expected) as { data: { subjects: unknown[] } }).data.subjects.length;
    if (got !== SUBJECT_COUNT)
      throw new Error(`keymint listed ${got} subjects, not ${SUBJECT_COUNT}: ${expected}`);
    const plain = await graphql(`${baseUrl}/graphql`, SUBJECTS_QUERY);
    if (plain !== expected) throw new Error(`the two servers answer differently:\n${expected}\n${plain}`);
    console.log(`both answer ${expected.length} bytes: ${SUBJECT_COUNT} subjects of org ${org.id}`);

    const body = JSON.stringify({ query: SUBJECTS_QUERY });
    const server = keymint;
    const gateway: Side = {
      name: 'keymint gateway',
      url: gatewayUrl,
      headers: { 'content-type': 'application/json' },
      body,
      expectBody: expected,
      pid: server.pid,
      backends: () => db.backends('keymint_gateway'),
      prepare: async () => {
        gateway.headers.authorization = `Bearer ${await fetchToken(server.base, reader, 'read:subjects')}`;
      },
    };
    const unauthenticated: Side = {
      name: 'unauthenticated',
      url: `${baseUrl}/graphql`,
      headers: { 'content-type': 'application/json' },
      body,
      expectBody: expected,
      pid: started.pid,
      backends: () => db.backends('unauthenticated_graphql'),
    };
    const rounds = await alternate(
      o,
      [
        { label: 'keymint gateway', side: gateway },
        { label: 'unauthenticated', side: unauthenticated },
      ],
      'cpuµs/req',
    );
    const [gw, un] = recordPair(
      'POST /graphql gateway vs no auth',
      rounds,
      ['keymint gateway', 'unauthenticated'],
      { minRatio: GATEWAY_TARGET },
    );
    console.log(
      `median gateway: ${Math.round(gw.rps)} req/s, p50 ${ms(gw.p50)} ms, p99 ${ms(gw.p99)} ms | ` +
        `unauthenticated: ${Math.round(un.rps)} req/s, p50 ${ms(un.p50)} ms, p99 ${ms(un.p99)} ms`,
    );
    console.log(
      `median server CPU per request: gateway ${gw.cpu} + PostgreSQL ${gw.dbCpu} | unauthenticated ${un.cpu} + PostgreSQL ${un.dbCpu}`,
    );
    console.log(
      `ratio gateway/unauthenticated (median of ${o.rounds} rounds): req/s ${gw.ratioRps.toFixed(2)}, p99 ${gw.ratioP99.toFixed(2)}`,
    );
    const bad = gw.bad + un.bad;
    if (bad > 0) {
      console.log(`INVALID: non-2xx, errors or other bodies in ${bad} runs; these figures do not count`);
      console.log(keymint.tail());
      console.log(started.tail());
    }
    return { valid: bad === 0 };
  } finally {
    await baseline?.stop();
    await keymint?.stop();
    await db.drop();
  }
}
