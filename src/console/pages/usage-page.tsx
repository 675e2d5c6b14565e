/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { UsageReport } from '../../usage/query-usage';
import { UsageChart } from '../chart';
import { type Chrome, Layout } from '../layout';

export function UsagePage(props: { chrome: Chrome; hourly: UsageReport; daily: UsageReport }) {
  const keys = `/console/orgs/${props.chrome.org?.slug}/keys`;
  return (
    <Layout chrome={props.chrome} title="Usage">
      <p class="lead muted">
        Tokens issued and refused across the organisation. Each key’s own chart is on its page in{' '}
        <a href={keys}>Keys</a>.
      </p>
      <section class="card" aria-labelledby="usage-hourly">
        <h2 id="usage-hourly">Last 24 hours, per hour</h2>
        <UsageChart report={props.hourly} label="Tokens across the organisation, last 24 hours" hideCaption />
      </section>
      <section class="card" aria-labelledby="usage-daily">
        <h2 id="usage-daily">Last 30 days, per day</h2>
        <UsageChart report={props.daily} label="Tokens across the organisation, last 30 days" hideCaption />
      </section>
    </Layout>
  );
}
