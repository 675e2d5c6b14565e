// keymint's own view of a run: the request-duration histogram of /metrics, read before
// and after, and its p50/p99 over the run (as Prometheus' histogram_quantile would
// estimate them, by linear interpolation inside a bucket).

export interface HistogramSeries {
  route: string;
  method: string;
  statusClass: string;
}

/** Cumulative bucket counts of one series, by upper bound in seconds (Infinity last). */
type Buckets = Map<number, number>;

/** The series' buckets from a scrape of `metricsUrl` (undefined if it cannot be read). */
export async function scrapeBuckets(metricsUrl: string, s: HistogramSeries): Promise<Buckets | undefined> {
  let text: string;
  try {
    const res = await fetch(metricsUrl, { headers: { connection: 'close' } });
    if (!res.ok) return undefined;
    text = await res.text();
  } catch {
    return undefined;
  }
  const prefix = `keymint_http_request_duration_seconds_bucket{route="${s.route}",method="${s.method}",status_class="${s.statusClass}",le="`;
  const out: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    const le = rest.slice(0, rest.indexOf('"'));
    out.set(
      le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
      Number(rest.slice(rest.lastIndexOf(' ') + 1)),
    );
  }
  return out;
}

/** The q-quantile (0–1) in milliseconds of what was observed between two scrapes. */
export function quantileMs(
  before: Buckets | undefined,
  after: Buckets | undefined,
  q: number,
): number | undefined {
  if (!after) return undefined;
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((b) => (after.get(b) ?? 0) - (before?.get(b) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const upper = bounds[i] as number;
    const cumulative = counts[i] as number;
    if (cumulative >= rank) {
      // Above the highest finite bound there is nothing to interpolate towards.
      if (upper === Number.POSITIVE_INFINITY) return lower * 1000;
      const inBucket = cumulative - below;
      return (lower + (upper - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1)) * 1000;
    }
    lower = upper;
    below = cumulative;
  }
  return undefined;
}
