// Section usage: keymint RS256 POST /token with USAGE_ACCOUNTING=on against =off, and a
// check afterwards that only the "on" server counted tokens.
import postgres from 'postgres';
import { createBenchDb } from './bench-db';
import type { BenchOptions } from './bench-options';
import { recordPair } from './bench-table';
import { childEnv, cli } from './child-processes';
import { alternate } from './load-rounds';
import { ms } from './result-table';
import type { PairResult } from './run-stats';
import { createKey, type Server, serveKeymint } from './servers';
import type { Side } from './side';
import { checkIssues, tokenSide } from './token-requests';

export const USAGE_TARGET = 0.95;

/**
 * keymint RS256 with USAGE_ACCOUNTING=on against =off: one database, two servers
 * (started one after the other, so the second finds the signing key the first made),
 * one key each, so the usage table tells afterwards which server counted.
 */
export async function usagePhase(o: BenchOptions, sql: postgres.Sql, adminUrl: string): Promise<PairResult> {
  console.log(
    `\n== keymint RS256 POST /token, USAGE_ACCOUNTING=on vs off (one database, two servers; ` +
      `${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  const keys = {
    on: await createKey(env, 'usage-on', ['read:subjects']),
    off: await createKey(env, 'usage-off', ['read:subjects']),
  };
  const servers: Partial<Record<'on' | 'off', Server>> = {};
  try {
    const sides = {} as Record<'on' | 'off', Side>;
    for (const mode of ['on', 'off'] as const) {
      const app = `keymint_usage_${mode}`;
      const server = await serveKeymint(`keymint usage=${mode}`, db, {
        USAGE_ACCOUNTING: mode,
        PGAPPNAME: app,
      });
      servers[mode] = server;
      sides[mode] = {
        ...tokenSide(
          `keymint usage=${mode}`,
          server.base,
          keys[mode].clientId,
          keys[mode].clientSecret,
          server.pid,
        ),
        backends: () => db.backends(app),
      };
      console.log(await checkIssues(sides[mode], 'RS256'));
    }
    const rounds = await alternate(
      o,
      [
        { label: 'usage=on', side: sides.on },
        { label: 'usage=off', side: sides.off },
      ],
      'cpuµs/tok',
    );
    const [on, off] = recordPair('POST /token usage accounting on/off', rounds, ['usage=on', 'usage=off'], {
      minRatio: USAGE_TARGET,
    });
    console.log(
      `median usage=on: ${Math.round(on.rps)} req/s, p99 ${ms(on.p99)} ms | ` +
        `usage=off: ${Math.round(off.rps)} req/s, p99 ${ms(off.p99)} ms`,
    );
    console.log(
      `median server CPU per token: usage=on ${on.cpu} + PostgreSQL ${on.dbCpu} | usage=off ${off.cpu} + PostgreSQL ${off.dbCpu}`,
    );
    console.log(
      `ratio on/off (median of ${o.rounds} rounds): req/s ${on.ratioRps.toFixed(2)}, p99 ${on.ratioP99.toFixed(2)}`,
    );

    // Stopping flushes what is buffered; then the table must hold the "on" key's tokens only.
    for (const mode of ['on', 'off'] as const) await servers[mode]?.stop();
    const check = postgres(db.url, { max: 1, onnotice: () => {} });
    const counted = await check`SELECT key_id, sum(issued)::int AS issued FROM usage_hourly GROUP BY key_id`
      .then((rows) => new Map(rows.map((r) => [String(r.key_id), Number(r.issued)])))
      .finally(() => check.end({ timeout: 5 }));
    const [onCount, offCount] = [counted.get(keys.on.id) ?? 0, counted.get(keys.off.id) ?? 0];
    const accounted = onCount > 0 && offCount === 0;
    console.log(
      `usage table after the runs: usage=on key ${onCount} tokens issued, usage=off key ${offCount}` +
        (accounted ? '' : ' — expected > 0 and 0'),
    );
    const bad = on.bad + off.bad;
    if (bad > 0 || !accounted) {
      console.log(
        `INVALID: ${bad > 0 ? `non-2xx or errors in ${bad} runs` : 'USAGE_ACCOUNTING did not take effect'}; these figures do not count`,
      );
      console.log(servers.on?.tail() ?? '');
      console.log(servers.off?.tail() ?? '');
    }
    return { valid: bad === 0 && accounted };
  } finally {
    for (const mode of ['on', 'off'] as const) await servers[mode]?.stop();
    await db.drop();
  }
}
