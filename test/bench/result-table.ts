// The per-run table every section prints, and the millisecond format the reports share.
import type { Run } from './run-stats';

export const ms = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export const header = (cpu: string) =>
  `${'side'.padEnd(16)} ${'round'.padStart(5)} ${'req/s'.padStart(8)} ${'p50ms'.padStart(7)} ${'p99ms'.padStart(7)} ${'non2xx'.padStart(7)} ${'errors'.padStart(7)} ${cpu.padStart(9)} ${'+pgµs'.padStart(7)}`;

export function row(label: string, r: Run): string {
  return [
    label.padEnd(16),
    String(r.round).padStart(5),
    String(Math.round(r.rps)).padStart(8),
    ms(r.p50).padStart(7),
    ms(r.p99).padStart(7),
    String(r.non2xx).padStart(7),
    String(r.errors).padStart(7),
    (r.cpu === undefined ? '-' : String(Math.round(r.cpu))).padStart(9),
    (r.dbCpu === undefined ? '-' : `+${Math.round(r.dbCpu)}`).padStart(7),
  ].join(' ');
}
