// Putting load on the contenders with autocannon, in alternating rounds, and measuring
// the servers' CPU time around each run.
import autocannon, { type Result } from 'autocannon';
import type { BenchOptions } from './bench-options';
import { isAborting, setCurrentLoad } from './cleanup';
import { sumCpu, treeCpuSeconds } from './cpu-time';
import { header, row } from './result-table';
import type { Run } from './run-stats';
import { quantileMs, scrapeBuckets } from './server-histogram';
import type { Side } from './side';

export function load(side: Side, connections: number, duration: number): Promise<Result> {
  return new Promise((ok, fail) => {
    setCurrentLoad(
      autocannon(
        {
          url: side.url,
          method: side.method ?? 'POST',
          headers: side.headers,
          ...(side.method === 'GET' ? {} : { body: side.body }),
          ...(side.requests
            ? {
                requests: side.requests.map((r) => ({
                  method: side.method ?? 'POST',
                  headers: r.headers,
                  body: r.body,
                })),
              }
            : {}),
          connections,
          duration,
          timeout: 10,
          ...(side.expectBody === undefined ? {} : { expectBody: side.expectBody }),
        },
        (err, result) => {
          setCurrentLoad(undefined);
          if (isAborting()) fail(new Error('aborted'));
          else if (err) fail(err);
          else ok(result);
        },
      ),
    );
  });
}

/**
 * Warm-up, then `rounds` rounds in which every contender gets one run of its own, in
 * order; prints a row per run and returns them per round, in the contenders' order.
 */
export async function alternate(
  o: BenchOptions,
  contenders: { label: string; side: Side }[],
  cpuColumn: string,
): Promise<Run[][]> {
  if (o.warmup > 0) {
    for (const { side } of contenders) {
      await side.prepare?.();
      await load(side, o.connections, o.warmup);
    }
  }
  console.log(header(cpuColumn));
  const rounds: Run[][] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const got: Run[] = [];
    for (const { label, side } of contenders) {
      await side.prepare?.();
      const backends = (await side.backends?.()) ?? [];
      const histogram = side.serverHistogram;
      const bucketsBefore = histogram && (await scrapeBuckets(histogram.metricsUrl, histogram.series));
      const before = [treeCpuSeconds(side.pid), sumCpu(backends)];
      const r = await load(side, o.connections, o.duration);
      const after = [treeCpuSeconds(side.pid), sumCpu(backends)];
      const bucketsAfter = histogram && (await scrapeBuckets(histogram.metricsUrl, histogram.series));
      const perAnswer = (i: number) => {
        const [a, b] = [before[i], after[i]];
        return a === undefined || b === undefined || r['2xx'] === 0 ? undefined : ((b - a) * 1e6) / r['2xx'];
      };
      const run: Run = {
        side: side.name,
        round,
        rps: r.requests.average,
        cpu: perAnswer(0),
        dbCpu: side.backends ? perAnswer(1) : undefined,
        p50: r.latency.p50,
        p99: r.latency.p99,
        serverP50: quantileMs(bucketsBefore, bucketsAfter, 0.5),
        serverP99: quantileMs(bucketsBefore, bucketsAfter, 0.99),
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts + (r.mismatches ?? 0),
      };
      got.push(run);
      console.log(row(label, run));
    }
    rounds.push(got);
  }
  return rounds;
}
