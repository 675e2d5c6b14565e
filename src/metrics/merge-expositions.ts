import { formatValue } from './registry';

/**
 * Gauges that are not added up across processes: the newest start (a restarted worker
 * resets its counters, which this tells a scraper), and the signing keys' age, the same
 * keys seen by every process.
 */
const NEWEST_OF = new Set(['process_start_time_seconds', 'keymint_signing_key_age_seconds']);

interface Family {
  name: string;
  header: string[];
  samples: Map<string, number>;
}

/** `name{labels} value` → [series, value]; undefined for anything else. */
function sample(line: string): [string, number] | undefined {
  const space = line.lastIndexOf(' ');
  if (space <= 0) return undefined;
  const value = Number(line.slice(space + 1).replace('+Inf', 'Infinity'));
  return Number.isNaN(value) ? undefined : [line.slice(0, space), value];
}

/**
 * One Prometheus exposition (text format 0.0.4) from those of several processes of one
 * instance (WORKER_PROCESSES): the same series added up — counters, histogram buckets,
 * sums and counts, the usage backlog — as one process would have counted them, so a
 * scrape of any worker sees the whole instance.
 */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, Family>();
  for (const text of texts) {
    let current: Family | undefined;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      if (line.startsWith('# HELP ')) {
        const name = line.slice(7).split(' ')[0] as string;
        current = families.get(name);
        if (!current) {
          current = { name, header: [line], samples: new Map() };
          families.set(name, current);
        }
        continue;
      }
      if (line.startsWith('#')) {
        if (current && current.header.length < 2 && !current.header.includes(line)) current.header.push(line);
        continue;
      }
      const parsed = sample(line);
      if (!parsed || !current) continue;
      const [series, value] = parsed;
      const held = current.samples.get(series);
      current.samples.set(
        series,
        held === undefined ? value : NEWEST_OF.has(current.name) ? Math.max(held, value) : held + value,
      );
    }
  }
  const out: string[] = [];
  for (const f of families.values()) {
    out.push(...f.header);
    for (const [series, value] of f.samples) out.push(`${series} ${formatValue(value)}`);
  }
  return `${out.join('\n')}\n`;
}
