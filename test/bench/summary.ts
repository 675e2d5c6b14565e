// The `== summary ==` block: the table of every measured pair (bench-table.ts), then the
// checks that are not pairs.
import { printTable } from './bench-table';
import { signed, significant, TIMING_ALPHA, type TimingResult } from './timing-section';

/** Prints the table and its notes; false when any pair was invalid. */
export function printSummary(timing?: TimingResult): boolean {
  const valid = printTable();
  if (timing) {
    const { runs, combined } = timing;
    const met = !significant(combined);
    console.log(
      `timing known/unknown client_id: runs combined p ${combined.p.toPrecision(2)}; ${runs.filter(significant).length} of ${runs.length} runs ` +
        `differ at p<${TIMING_ALPHA} (median differences ${runs.map((r) => signed(r.known - r.unknown)).join(', ')} µs)` +
        (timing.valid ? (met ? ' — target met' : ' — target missed') : ' — INVALID'),
    );
  }
  return valid;
}
