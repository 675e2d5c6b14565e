// Section scale: POST /token with --scale-keys keys in PostgreSQL against the same with
// 100, each database seeded by the bench itself (INSERT … SELECT over generate_series,
// copying a key the CLI made, so it follows the schema as it changes).
import postgres from 'postgres';
import { type BenchDb, createBenchDb } from './bench-db';
import type { BenchOptions } from './bench-options';
import { recordPair } from './bench-table';
import { childEnv, cli } from './child-processes';
import { alternate } from './load-rounds';
import { ms } from './result-table';
import { createKey, keymintTokenSide, type Server, serveKeymint } from './servers';
import type { Side } from './side';
import { type BenchKey, basicAuth } from './token-requests';

export const SCALE_TARGET = { minRatio: 0.9, maxP99Ratio: 1.1 };
const SMALL = 100;
/** Distinct keys each run cycles over, on both sides. */
const CYCLED = 100;

/**
 * Copies the CLI-made key `template` `count` times into org `orgSlug`, each copy with its
 * own id, client id and name and every other column the template's (its secret digest
 * too: the bench key's secret authenticates every copy). Returns the copies' client ids
 * as a function of their number (1…count).
 */
async function seedKeys(url: string, template: string, orgSlug: string, count: number) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [org] = await sql`SELECT id FROM orgs WHERE slug = ${orgSlug}`;
    const columns = (
      await sql`SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'api_keys' ORDER BY ordinal_position`
    ).map((r) => String(r.column_name));
    const own: Record<string, string> = {
      id: `'key_seed' || lpad(g::text, 16, '0')`,
      client_id: `'km_seed' || lpad(g::text, 18, '0')`,
      org_id: '$2',
      name: `'seeded ' || g`,
    };
    const list = columns.map((c) => `"${c}"`).join(', ');
    const values = columns.map((c) => own[c] ?? `t."${c}"`).join(', ');
    const t0 = performance.now();
    await sql.unsafe(
      `INSERT INTO api_keys (${list}) SELECT ${values} FROM api_keys t, generate_series(1, $3::int) g WHERE t.client_id = $1`,
      [template, String(org?.id), count],
    );
    await sql`ANALYZE api_keys`;
    const [{ n, size }] = (await sql`SELECT count(*)::int AS n,
        pg_size_pretty(pg_total_relation_size('api_keys')) AS size FROM api_keys`) as unknown as [
      { n: number; size: string },
    ];
    console.log(
      `seeded ${count} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${n} in the table, ${size} with its indexes`,
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
  return (i: number) => `km_seed${String(i).padStart(18, '0')}`;
}

/** A database with `keys` keys in all (the bench key and seeded copies), served. */
async function seeded(
  sql: postgres.Sql,
  adminUrl: string,
  keys: number,
): Promise<{ db: BenchDb; server: Server; key: BenchKey; copy: (i: number) => string }> {
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  await cli(['org', 'create', 'seeded'], env);
  const key = await createKey(env, 'bench', ['read:subjects']);
  const copy = await seedKeys(db.url, key.clientId, 'seeded', keys - 1);
  const server = await serveKeymint(`keymint ${keys} keys`, db, { PGAPPNAME: `keymint_${keys}` });
  return { db, server, key, copy };
}

/** The side's requests: the bench key and copies spread over the whole table. */
function cycling(side: Side, key: BenchKey, copy: (i: number) => string, keys: number): Side {
  const ids = [
    key.clientId,
    ...Array.from({ length: CYCLED - 1 }, (_, i) =>
      copy(1 + Math.floor(((i + 0.5) * (keys - 1)) / (CYCLED - 1))),
    ),
  ];
  return {
    ...side,
    requests: ids.map((id) => ({
      headers: { ...side.headers, authorization: basicAuth(id, key.clientSecret) },
      body: side.body,
    })),
  };
}

export async function scalePhase(o: BenchOptions, sql: postgres.Sql, adminUrl: string): Promise<void> {
  console.log(
    `\n== keymint RS256 POST /token with ${o.scaleKeys} keys vs ${SMALL} keys (each run cycles over ${CYCLED} keys; ` +
      `${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const big = await seeded(sql, adminUrl, o.scaleKeys);
  try {
    const small = await seeded(sql, adminUrl, SMALL);
    try {
      const sides = [big, small].map((s, i) => ({
        ...cycling(
          keymintTokenSide(`keymint ${i === 0 ? o.scaleKeys : SMALL} keys`, s.server, s.key),
          s.key,
          s.copy,
          i === 0 ? o.scaleKeys : SMALL,
        ),
        backends: () => s.db.backends(),
      }));
      for (const side of sides) {
        const res = await fetch(side.url, {
          method: 'POST',
          headers: side.requests?.at(-1)?.headers ?? side.headers,
          body: side.body,
        });
        if (res.status !== 200)
          throw new Error(`${side.name} refused a seeded key: ${res.status} ${await res.text()}`);
      }
      const rounds = await alternate(
        o,
        [
          { label: `${o.scaleKeys} keys`, side: sides[0] as Side },
          { label: `${SMALL} keys`, side: sides[1] as Side },
        ],
        'cpuµs/tok',
      );
      const [m] = recordPair(
        `POST /token, ${o.scaleKeys.toLocaleString('en')} keys vs ${SMALL}`,
        rounds,
        [`${o.scaleKeys.toLocaleString('en')} keys`, `${SMALL} keys`],
        SCALE_TARGET,
      );
      console.log(
        `ratio ${o.scaleKeys} keys / ${SMALL} keys (median of ${o.rounds} rounds): req/s ${m.ratioRps.toFixed(2)} ` +
          `(target ≥ ${SCALE_TARGET.minRatio}), p99 ${m.ratioP99.toFixed(2)} (target ≤ ${SCALE_TARGET.maxP99Ratio}); ` +
          `p99 ${ms(m.p99)} ms`,
      );
      if (m.bad > 0) console.log(big.server.tail());
    } finally {
      await small.server.stop();
      await small.db.drop();
    }
  } finally {
    await big.server.stop();
    await big.db.drop();
  }
}
