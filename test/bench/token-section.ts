// Section token: keymint's POST /token, once per --alg, against the reference issuer (RS256).
import type postgres from 'postgres';
import type { Alg, BenchOptions } from './bench-options';
import { alternate } from './load-rounds';
import { ms } from './result-table';
import { medians } from './run-stats';
import { startKeymint } from './servers';
import type { Side } from './side';
import { checkIssues } from './token-requests';

export interface PhaseResult {
  alg: Alg;
  ratioRps: number;
  ratioP99: number;
  keymintRps: number;
  peerRps: number;
  keymintP99: number;
  peerP99: number;
  valid: boolean;
}

export async function tokenPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
  peer: Side,
  alg: Alg,
): Promise<PhaseResult> {
  console.log(`\n== keymint ${alg} vs peer RS256 (${o.connections} connections, ${o.duration} s runs) ==`);
  const keymint = await startKeymint(sql, adminUrl, alg);
  try {
    console.log(await checkIssues(peer, 'RS256'));
    console.log(await checkIssues(keymint.side, alg));
    const rounds = await alternate(
      o,
      [
        { label: 'peer RS256', side: peer },
        { label: `keymint ${alg}`, side: keymint.side },
      ],
      'cpuµs/tok',
    );
    const km = medians(rounds, 1, 0);
    const pr = medians(rounds, 0, 1);
    const result: PhaseResult = {
      alg,
      ratioRps: km.ratioRps,
      ratioP99: km.ratioP99,
      keymintRps: km.rps,
      peerRps: pr.rps,
      keymintP99: km.p99,
      peerP99: pr.p99,
      valid: km.bad === 0,
    };
    console.log(
      `median keymint ${alg}: ${Math.round(result.keymintRps)} req/s, p99 ${ms(result.keymintP99)} ms | ` +
        `peer RS256: ${Math.round(result.peerRps)} req/s, p99 ${ms(result.peerP99)} ms`,
    );
    console.log(
      `median server CPU per token: keymint ${alg} ${km.cpu} + PostgreSQL ${km.dbCpu} | peer RS256 ${pr.cpu}`,
    );
    console.log(
      `ratio keymint/peer (median of ${o.rounds} rounds): req/s ${result.ratioRps.toFixed(2)}, p99 ${result.ratioP99.toFixed(2)}`,
    );
    if (!result.valid) {
      console.log(
        `INVALID: keymint answered non-2xx or errors in ${km.bad} of ${o.rounds} rounds; these figures do not count`,
      );
      console.log(keymint.tail());
    }
    if (pr.bad > 0) console.log(`warning: the peer answered non-2xx or errors in ${pr.bad} rounds`);
    return result;
  } finally {
    await keymint.stop();
  }
}
