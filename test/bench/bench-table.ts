// The one table `npm run bench` ends with: every measured pair, both sides, the ratio and
// its target. Sections record their pairs here as they finish; notes follow the table.
import { ms } from './result-table';
import { medians, type Run } from './run-stats';

type Medians = ReturnType<typeof medians>;

export interface PairTarget {
  /** The measured side's req/s must be at least this many times the reference's. */
  minRatio?: number;
  /** Its p99 at most this many times the reference's. */
  maxP99Ratio?: number;
  /** Said instead when the pair has no pass/fail target. */
  text?: string;
}

interface Row {
  pair: string;
  labels: [string, string];
  sides: [Medians, Medians];
  target: PairTarget;
  valid: boolean;
}

const rows: Row[] = [];
const notes: string[] = [];

/**
 * Records the pair of contenders `a` (measured) and `b` (reference) of alternating
 * rounds: their medians, and the median of the per-round ratios a/b. Returns both sides'
 * medians, for the section's own lines.
 */
export function recordPair(
  pair: string,
  rounds: Run[][],
  labels: [string, string],
  target: PairTarget,
  sides: [number, number] = [0, 1],
): [Medians, Medians] {
  const [a, b] = sides;
  const ma = medians(rounds, a, b);
  const mb = medians(rounds, b, a);
  rows.push({ pair, labels, sides: [ma, mb], target, valid: ma.bad === 0 && mb.bad === 0 });
  return [ma, mb];
}

/** A line printed under the table (signing floor, overhead per token, other checks). */
export function recordNote(line: string): void {
  notes.push(line);
}

export function verdict(r: { ratioRps: number; ratioP99: number }, t: PairTarget): boolean | undefined {
  if (t.minRatio === undefined && t.maxP99Ratio === undefined) return undefined;
  return (
    (t.minRatio === undefined || r.ratioRps >= t.minRatio) &&
    (t.maxP99Ratio === undefined || r.ratioP99 <= t.maxP99Ratio)
  );
}

const targetText = (t: PairTarget) =>
  t.text ??
  [
    t.minRatio === undefined ? undefined : `≥ ${t.minRatio}×`,
    t.maxP99Ratio === undefined ? undefined : `p99 ≤ ${t.maxP99Ratio}×`,
  ]
    .filter(Boolean)
    .join(', ');

const cpuText = (m: Medians) =>
  m.cpuUs === undefined
    ? '-'
    : `${Math.round(m.cpuUs)}${m.dbCpuUs === undefined ? '' : `+${Math.round(m.dbCpuUs)}`}`;
const serverText = (m: Medians) =>
  m.serverP50 === undefined || m.serverP99 === undefined
    ? '-'
    : `${m.serverP50.toFixed(2)}/${m.serverP99.toFixed(2)}`;

const COLUMNS: [string, number][] = [
  ['pair', 40],
  ['side', 18],
  ['req/s', 7],
  ['p50ms', 6],
  ['p99ms', 6],
  ['srv p50/p99', 12],
  ['cpuµs+pg', 9],
  ['ratio (p99)', 12],
  ['target', 18],
  ['', 7],
];

const line = (cells: string[]) =>
  cells
    .map((c, i) => {
      const [, width] = COLUMNS[i] as [string, number];
      return i < 2 || i >= 8 ? c.padEnd(width) : c.padStart(width);
    })
    .join(' ')
    .trimEnd();

/** The table, then the notes. Returns whether every pair was valid. */
export function printTable(): boolean {
  console.log('\n== summary ==');
  console.log(
    'req/s, p50 and p99 from the load generator; srv p50/p99 from keymint’s own /metrics histogram; ' +
      'cpuµs+pg: server CPU per answer (all its processes) + its PostgreSQL backends’; ratio: ' +
      'median of the per-round ratios of req/s (and of p99)',
  );
  console.log(line(COLUMNS.map(([name]) => name)));
  for (const r of rows) {
    const [a, b] = r.sides;
    const met = verdict(a, r.target);
    const mark = !r.valid ? 'INVALID' : met === undefined ? '' : met ? 'met' : 'MISSED';
    const ratio = `${a.ratioRps.toFixed(2)} (${a.ratioP99.toFixed(2)})`;
    for (const [i, m] of [a, b].entries()) {
      console.log(
        line([
          i === 0 ? r.pair : '',
          r.labels[i] as string,
          String(Math.round(m.rps)),
          ms(m.p50),
          ms(m.p99),
          serverText(m),
          cpuText(m),
          i === 0 ? ratio : '',
          i === 0 ? targetText(r.target) : '',
          i === 0 ? mark : '',
        ]),
      );
    }
  }
  for (const n of notes) console.log(n);
  return rows.every((r) => r.valid);
}
