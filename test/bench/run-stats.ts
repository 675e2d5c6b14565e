// One measured run, and the medians over rounds that every section reports.

export interface Run {
  side: string;
  round: number;
  rps: number;
  /** Server CPU per 2xx answer, µs (PostgreSQL backends in `dbCpu`). */
  cpu: number | undefined;
  dbCpu: number | undefined;
  p50: number;
  p99: number;
  /** The same run's p50/p99 as keymint's own /metrics histogram saw it (ms), where read. */
  serverP50?: number | undefined;
  serverP99?: number | undefined;
  non2xx: number;
  /** Socket errors, timeouts and (with expectBody) other bodies. */
  errors: number;
}

/**
 * What a pair section reports besides its table row (bench-table.ts holds the figures):
 * whether its runs count, its own checks included.
 */
export interface PairResult {
  valid: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const cpuOf = (xs: (number | undefined)[]) =>
  xs.every((x) => x !== undefined) ? `${Math.round(median(xs as number[]))} µs` : 'n/a';

/** The median of what every round measured, or undefined where one did not. */
export const medianOf = (xs: (number | undefined)[]): number | undefined =>
  xs.length > 0 && xs.every((x) => x !== undefined) ? median(xs as number[]) : undefined;

const failed = (r: Run) => r.non2xx > 0 || r.errors > 0;

/** Medians over rounds of contender `i` (and of its ratio to contender `j`). */
export function medians(rounds: Run[][], i: number, j: number) {
  const at = (r: Run[], k: number) => r[k] as Run;
  return {
    rps: median(rounds.map((r) => at(r, i).rps)),
    p50: median(rounds.map((r) => at(r, i).p50)),
    p99: median(rounds.map((r) => at(r, i).p99)),
    cpu: cpuOf(rounds.map((r) => at(r, i).cpu)),
    dbCpu: cpuOf(rounds.map((r) => at(r, i).dbCpu)),
    cpuUs: medianOf(rounds.map((r) => at(r, i).cpu)),
    dbCpuUs: medianOf(rounds.map((r) => at(r, i).dbCpu)),
    serverP50: medianOf(rounds.map((r) => at(r, i).serverP50)),
    serverP99: medianOf(rounds.map((r) => at(r, i).serverP99)),
    ratioRps: median(rounds.map((r) => at(r, i).rps / at(r, j).rps)),
    ratioP99: median(rounds.map((r) => at(r, i).p99 / at(r, j).p99)),
    bad: rounds.filter((r) => failed(at(r, i))).length,
  };
}
