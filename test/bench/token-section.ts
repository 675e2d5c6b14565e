// Section token: keymint's POST /token, once per --alg, against the reference issuer (RS256).
import type postgres from 'postgres';
import type { Alg, BenchOptions } from './bench-options';
import { recordNote, recordPair } from './bench-table';
import { alternate } from './load-rounds';
import { ms } from './result-table';
import { startKeymint } from './servers';
import type { Side } from './side';
import { type SigningRates, signatureMicros } from './signing-floor';
import { checkIssues } from './token-requests';

/** The issue's targets: RS256 1.5× the peer's req/s with a p99 no worse; ES256 3× (with both cores). */
export const TOKEN_TARGETS: Partial<Record<Alg, { minRatio: number; maxP99Ratio?: number }>> = {
  RS256: { minRatio: 1.5, maxP99Ratio: 1 },
  ES256: { minRatio: 3 },
};

/** CPU µs per token beyond one signature: server and its PostgreSQL backends. Target: at most this. */
export const OVERHEAD_TARGET_US = 100;

export interface PhaseResult {
  alg: Alg;
  /** Server + PostgreSQL CPU per token minus one signature, µs. */
  overheadUs: number | undefined;
  cpuUs: number | undefined;
  valid: boolean;
}

/** The line under the table for one run's CPU per token. */
export function overheadNote(
  what: string,
  alg: Alg,
  cpuUs: number | undefined,
  dbUs: number | undefined,
  rates: SigningRates,
) {
  if (cpuUs === undefined)
    return { overheadUs: undefined, note: `overhead per token, ${what}: n/a (no /proc)` };
  const signature = signatureMicros(rates, alg);
  const overheadUs = cpuUs + (dbUs ?? 0) - signature;
  return {
    overheadUs,
    note:
      `overhead per token, ${what}: ${Math.round(overheadUs)} µs (server ${Math.round(cpuUs)} + PostgreSQL ` +
      `${Math.round(dbUs ?? 0)} − one ${alg} signature ${Math.round(signature)}; target ≤ ${OVERHEAD_TARGET_US})` +
      (overheadUs <= OVERHEAD_TARGET_US ? ' — met' : ' — MISSED'),
  };
}

const targetFor = (alg: Alg, applies: boolean) => {
  const t = TOKEN_TARGETS[alg];
  if (!t) return { text: 'no target' };
  if (!applies) return { text: '1.5× in one process' };
  return { minRatio: t.minRatio, ...(t.maxP99Ratio ? { maxP99Ratio: t.maxP99Ratio } : {}) };
};

/**
 * keymint with --alg against the peer (RS256) in alternating rounds: one process, and
 * (with --workers above 1) WORKER_PROCESSES=N on its own database. Every target holds
 * for one process (its signatures already run on every core through the thread pool);
 * ES256's holds with the worker processes too (there the event loop is what one process
 * runs out of). RS256 gains nothing from workers: its signatures fill the cores already.
 */
export async function tokenPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
  peer: Side,
  alg: Alg,
  rates: SigningRates,
): Promise<PhaseResult[]> {
  const many = o.workers > 1;
  console.log(
    `\n== keymint ${alg} (one process${many ? `, and ${o.workers} worker processes` : ''}) vs peer RS256 ` +
      `(${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const single = await startKeymint(sql, adminUrl, alg);
  const multi = many
    ? await startKeymint(sql, adminUrl, alg, { WORKER_PROCESSES: String(o.workers) })
    : undefined;
  try {
    console.log(await checkIssues(peer, 'RS256'));
    console.log(await checkIssues(single.side, alg));
    if (multi) console.log(await checkIssues(multi.side, alg));
    const contenders = [
      { label: 'peer RS256', side: peer },
      { label: `keymint ${alg}`, side: single.side },
      ...(multi ? [{ label: `keymint ${alg} ×${o.workers}`, side: multi.side }] : []),
    ];
    const rounds = await alternate(o, contenders, 'cpuµs/tok');
    const results: PhaseResult[] = [];
    const report = (what: string, i: number, target: ReturnType<typeof targetFor>, tail: () => string) => {
      const [km] = recordPair(
        `POST /token ${alg}, ${what}`,
        rounds,
        [`keymint ${alg}`, 'peer RS256'],
        target,
        [i, 0],
      );
      console.log(
        `median keymint ${alg}, ${what}: ${Math.round(km.rps)} req/s, p50 ${ms(km.p50)} ms, p99 ${ms(km.p99)} ms ` +
          `(its own histogram: p50 ${km.serverP50?.toFixed(1) ?? '-'} ms, p99 ${km.serverP99?.toFixed(1) ?? '-'} ms); ` +
          `CPU per token ${km.cpu} + PostgreSQL ${km.dbCpu}; ratio to the peer ${km.ratioRps.toFixed(2)}, p99 ${km.ratioP99.toFixed(2)}`,
      );
      const { overheadUs, note } = overheadNote(`keymint ${alg}, ${what}`, alg, km.cpuUs, km.dbCpuUs, rates);
      console.log(note);
      recordNote(note);
      if (km.bad > 0) {
        console.log(`INVALID: keymint answered non-2xx or errors in ${km.bad} of ${o.rounds} rounds`);
        console.log(tail());
      }
      results.push({ alg, overheadUs, cpuUs: km.cpuUs, valid: km.bad === 0 });
    };
    report('one process', 1, targetFor(alg, true), single.tail);
    if (multi) {
      report(`×${o.workers} workers`, 2, targetFor(alg, alg === 'ES256'), multi.tail);
      recordPair(
        `POST /token ${alg}, ${o.workers} workers vs 1`,
        rounds,
        [`×${o.workers}`, 'one process'],
        { text: 'shown' },
        [2, 1],
      );
    }
    return results;
  } finally {
    await multi?.stop();
    await single.stop();
  }
}
