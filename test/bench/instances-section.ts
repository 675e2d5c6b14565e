// Section instances: two keymint instances on one PostgreSQL against one alone, both
// under load at once: per-instance tokens/s and CPU, and what PostgreSQL sees per token
// (transactions, its CPU, connections). The README's capacity model rests on these.
import type { Result } from 'autocannon';
import postgres from 'postgres';
import { createBenchDb } from './bench-db';
import type { Alg, BenchOptions } from './bench-options';
import { recordNote, recordPair } from './bench-table';
import { childEnv, cli } from './child-processes';
import { sumCpu, treeCpuSeconds } from './cpu-time';
import { load } from './load-rounds';
import { header, row } from './result-table';
import type { Run } from './run-stats';
import { createKey, keymintTokenSide, serveKeymint } from './servers';
import type { Side } from './side';
import { checkIssues } from './token-requests';

interface Measured {
  run: Run;
  /** Per instance: answers, server CPU µs per answer. */
  instances: { answers: number; cpuUs: number | undefined }[];
  /** PostgreSQL transactions (commits and rollbacks) of the database per answer. */
  xactsPerToken: number;
}

export async function instancesPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
  alg: Alg,
): Promise<void> {
  console.log(
    `\n== two keymint ${alg} instances on one PostgreSQL vs one (${o.connections} connections in all, ${o.duration} s runs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, alg);
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  const keys = [await createKey(env, 'a', ['read:subjects']), await createKey(env, 'b', ['read:subjects'])];
  const apps = ['keymint_a', 'keymint_b'];
  const servers = [];
  const stats = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    for (const [i, app] of apps.entries())
      servers.push(await serveKeymint(`keymint ${'AB'[i]}`, db, { PGAPPNAME: app }));
    const sides: Side[] = servers.map((s, i) => ({
      ...keymintTokenSide(`keymint ${'AB'[i]}`, s, keys[i] as (typeof keys)[number]),
      backends: () => db.backends(apps[i]),
    }));
    for (const side of sides) console.log(await checkIssues(side, alg));
    const xacts = async () => {
      // Backends report their counts at most once a second.
      await new Promise((r) => setTimeout(r, 1500));
      const [r] =
        await stats`SELECT (xact_commit + xact_rollback)::bigint AS n FROM pg_stat_database WHERE datname = current_database()`;
      return Number(r?.n);
    };
    const measure = async (round: number, label: string, active: Side[]): Promise<Measured> => {
      const backends = await Promise.all(active.map(async (s) => (await s.backends?.()) ?? []));
      const x0 = await xacts();
      const before = active.map((s, i) => [treeCpuSeconds(s.pid), sumCpu(backends[i] as number[])]);
      const results: Result[] = await Promise.all(
        active.map((s) => load(s, Math.max(1, Math.floor(o.connections / active.length)), o.duration)),
      );
      const after = active.map((s, i) => [treeCpuSeconds(s.pid), sumCpu(backends[i] as number[])]);
      const x1 = await xacts();
      const answers = results.reduce((n, r) => n + r['2xx'], 0);
      const sum = (k: 0 | 1) =>
        before.every((b, i) => b[k] !== undefined && after[i]?.[k] !== undefined)
          ? before.reduce((n, b, i) => n + ((after[i]?.[k] as number) - (b[k] as number)), 0)
          : undefined;
      const server = sum(0);
      const pg = sum(1);
      const run: Run = {
        side: label,
        round,
        rps: results.reduce((n, r) => n + r.requests.average, 0),
        cpu: server === undefined || answers === 0 ? undefined : (server * 1e6) / answers,
        dbCpu: pg === undefined || answers === 0 ? undefined : (pg * 1e6) / answers,
        p50: Math.max(...results.map((r) => r.latency.p50)),
        p99: Math.max(...results.map((r) => r.latency.p99)),
        non2xx: results.reduce((n, r) => n + r.non2xx, 0),
        errors: results.reduce((n, r) => n + r.errors + r.timeouts, 0),
      };
      console.log(row(label, run));
      return {
        run,
        instances: results.map((r, i) => {
          const cpu =
            before[i]?.[0] !== undefined && after[i]?.[0] !== undefined
              ? (after[i]?.[0] as number) - (before[i]?.[0] as number)
              : undefined;
          return {
            answers: r['2xx'],
            cpuUs: cpu === undefined || r['2xx'] === 0 ? undefined : (cpu * 1e6) / r['2xx'],
          };
        }),
        xactsPerToken: answers > 0 ? (x1 - x0) / answers : 0,
      };
    };
    if (o.warmup > 0) await Promise.all(sides.map((s) => load(s, Math.floor(o.connections / 2), o.warmup)));
    console.log(header('cpuµs/tok'));
    const rounds: Run[][] = [];
    const both: Measured[] = [];
    const one: Measured[] = [];
    for (let round = 1; round <= o.rounds; round++) {
      const single = await measure(round, 'one instance', [sides[0] as Side]);
      const pair = await measure(round, 'two instances', sides);
      one.push(single);
      both.push(pair);
      rounds.push([pair.run, single.run]);
    }
    recordPair(`POST /token ${alg}, 2 instances vs 1`, rounds, ['two instances', 'one instance'], {
      text: 'capacity check',
    });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const connections = await stats`SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity
                                    WHERE datname = current_database() AND application_name = ANY(${apps}) GROUP BY 1`;
    const perInstance = [0, 1].map((i) => ({
      rps: median(both.map((m) => (m.instances[i]?.answers ?? 0) / o.duration)),
      cpuUs: median(both.map((m) => m.instances[i]?.cpuUs ?? Number.NaN)),
    }));
    const lines = [
      `capacity check, two instances on one PostgreSQL (medians of ${o.rounds} rounds): ` +
        perInstance
          .map(
            (p, i) =>
              `instance ${'AB'[i]} ${Math.round(p.rps)} tokens/s at ${Math.round(p.cpuUs)} µs CPU each`,
          )
          .join(', ') +
        `; alone ${Math.round(median(one.map((m) => m.run.rps)))} tokens/s at ${Math.round(median(one.map((m) => m.run.cpu ?? Number.NaN)))} µs`,
      `capacity check, PostgreSQL per token: ${median(both.map((m) => m.run.dbCpu ?? Number.NaN)).toFixed(1)} µs CPU, ` +
        `${median(both.map((m) => m.xactsPerToken)).toFixed(3)} transactions (alone: ${median(one.map((m) => m.run.dbCpu ?? Number.NaN)).toFixed(1)} µs, ` +
        `${median(one.map((m) => m.xactsPerToken)).toFixed(3)}); connections held: ` +
        connections.map((c) => `${c.app} ${c.n}`).join(', '),
    ];
    for (const l of lines) {
      console.log(l);
      recordNote(l);
    }
  } finally {
    await stats.end({ timeout: 5 });
    for (const s of servers) await s.stop();
    await db.drop();
  }
}
