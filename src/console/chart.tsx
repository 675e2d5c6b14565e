/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { UsageReport } from '../usage/query-usage';

/** 2, 4, 10, 20, 40, 100, 200, …: the smallest at or above `n`, so the axis and its midpoint are round. */
function niceCeiling(n: number): number {
  if (n <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 2, 4, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

const hourOf = (iso: string) => iso.slice(11, 16);
const dayOf = (iso: string) => iso.slice(5, 10);

/** "14:00–15:00" or "05-14": what a bucket covers, as the table and tooltips say it. */
function bucketLabel(start: string, granularity: UsageReport['granularity']): string {
  if (granularity === 'day') return start.slice(0, 10);
  const end = new Date(Date.parse(start) + 3_600_000).toISOString();
  return `${start.slice(0, 10)} ${hourOf(start)}–${hourOf(end)}`;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'chart';

/** A small picture of a series' mark, for the legend: the same fill and stroke as the bars. */
const Swatch = (props: { series: 'issued' | 'refused'; pattern: string }) => (
  <svg class="chart-swatch" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
    <rect
      class={`bar bar-${props.series}`}
      x="1"
      y="1"
      width="14"
      height="14"
      fill={props.series === 'refused' ? `url(#${props.pattern})` : undefined}
    />
  </svg>
);

/**
 * Tokens issued and refused per bucket, drawn on the server: stacked bars (issued solid,
 * refused hatched with a dashed outline, so the two differ without colour), axis labels
 * and a legend in HTML at the body's size at any width, and the numbers in a table
 * behind a disclosure for whoever prefers them (and for screen readers).
 */
export function UsageChart(props: {
  report: UsageReport;
  label: string;
  /** The caption still names the figure for screen readers, but a heading above already says it. */
  hideCaption?: boolean;
}) {
  const { buckets, totals, granularity } = props.report;
  const id = `chart-${slug(props.label)}`;
  const hatch = `${id}-hatch`;
  const n = Math.max(1, buckets.length);
  const top = niceCeiling(Math.max(...buckets.map((b) => b.issued + b.refused), 0));
  // The plot is 100 units tall and one unit per bucket wide, stretched to the box by CSS.
  const y = (v: number) => (100 * v) / top;
  const every = Math.max(1, Math.ceil(n / 6));
  const summary = `${props.label}: ${totals.issued} issued, ${totals.refused} refused`;
  return (
    <figure class="usage-chart">
      <figcaption class={props.hideCaption ? 'visually-hidden' : undefined}>{props.label}</figcaption>
      <ul class="chart-legend">
        <li>
          <Swatch series="issued" pattern={hatch} /> Issued <strong>{totals.issued}</strong>
        </li>
        <li>
          <Swatch series="refused" pattern={hatch} /> Refused <strong>{totals.refused}</strong>
        </li>
      </ul>
      <div class="chart-body">
        <div class="chart-y" aria-hidden="true">
          <span>{top}</span>
          <span>{top / 2}</span>
          <span>0</span>
        </div>
        <div class="chart-plot">
          <svg
            class="usage-plot"
            viewBox={`0 0 ${n} 100`}
            preserveAspectRatio="none"
            role="img"
            aria-label={summary}
            focusable="false"
          >
            <defs>
              <pattern id={hatch} patternUnits="userSpaceOnUse" width="1" height="4">
                <rect class="hatch-bg" x="0" y="0" width="1" height="4" />
                <rect class="hatch-line" x="0" y="0" width="1" height="2" />
              </pattern>
            </defs>
            {[0, 50, 100].map((v) => (
              <line class="grid" x1="0" x2={n} y1={100 - v} y2={100 - v} vector-effect="non-scaling-stroke" />
            ))}
            {buckets.map((b, i) => {
              const hi = y(b.issued);
              const hr = y(b.refused);
              const tip = `${bucketLabel(b.start, granularity)}: ${b.issued} issued, ${b.refused} refused`;
              return (
                <g>
                  <title>{tip}</title>
                  {hi > 0 ? (
                    <rect
                      class="bar bar-issued"
                      x={i + 0.15}
                      y={100 - hi}
                      width="0.7"
                      height={hi}
                      vector-effect="non-scaling-stroke"
                    />
                  ) : null}
                  {hr > 0 ? (
                    <rect
                      class="bar bar-refused"
                      x={i + 0.15}
                      y={100 - hi - hr}
                      width="0.7"
                      height={hr}
                      fill={`url(#${hatch})`}
                      vector-effect="non-scaling-stroke"
                    />
                  ) : null}
                </g>
              );
            })}
          </svg>
          <div class="chart-x" aria-hidden="true">
            {buckets.map((b, i) =>
              i % every === 0 ? (
                // Every other label gives way on a narrow screen, so the rest keep their room.
                <span class={(i / every) % 2 === 1 ? 'minor' : undefined}>
                  {granularity === 'hour' ? hourOf(b.start) : dayOf(b.start)}
                </span>
              ) : (
                <span />
              ),
            )}
          </div>
        </div>
      </div>
      <p class="chart-note muted">
        {granularity === 'hour' ? 'Hours' : 'Days'} in UTC; the scale goes from 0 to {top} tokens.
      </p>
      <details class="chart-table">
        <summary>Show the numbers</summary>
        <table class="data-table">
          <caption class="visually-hidden">{props.label}</caption>
          <thead>
            <tr>
              <th scope="col">{granularity === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>
              <th scope="col">Issued</th>
              <th scope="col">Refused</th>
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr>
                <th scope="row">{bucketLabel(b.start, granularity)}</th>
                <td>{b.issued}</td>
                <td>{b.refused}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td>{totals.issued}</td>
              <td>{totals.refused}</td>
            </tr>
          </tfoot>
        </table>
      </details>
    </figure>
  );
}
