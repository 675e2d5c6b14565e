/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { UsageReport } from '../usage/query-usage';

/** Server-rendered bars (issued above refused) with an accessible summary; no script needed. */
export function UsageChart(props: { report: UsageReport; label: string }) {
  const { buckets, totals, granularity } = props.report;
  const w = 720;
  const h = 160;
  const pad = 24;
  const max = Math.max(1, ...buckets.map((b) => b.issued + b.refused));
  const bw = (w - pad) / Math.max(1, buckets.length);
  const y = (v: number) => ((h - pad) * v) / max;
  const tick = (iso: string) => (granularity === 'hour' ? iso.slice(11, 16) : iso.slice(5, 10));
  const summary = `${props.label}: ${totals.issued} issued, ${totals.refused} refused`;
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${w} ${h}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        {buckets.map((b, i) => {
          const x = pad + i * bw;
          const hi = y(b.issued);
          const hr = y(b.refused);
          return (
            <g>
              <rect class="issued" x={x + 1} y={h - pad - hi - hr} width={Math.max(1, bw - 2)} height={hi}>
                <title>{`${b.start}: ${b.issued} issued`}</title>
              </rect>
              <rect class="refused" x={x + 1} y={h - pad - hr} width={Math.max(1, bw - 2)} height={hr}>
                <title>{`${b.start}: ${b.refused} refused`}</title>
              </rect>
              {i % Math.ceil(buckets.length / 8) === 0 ? (
                <text x={x} y={h - 8}>
                  {tick(b.start)}
                </text>
              ) : null}
            </g>
          );
        })}
        <text x={2} y={12}>
          {String(max)}
        </text>
      </svg>
      <figcaption class="muted">{summary}</figcaption>
    </figure>
  );
}
