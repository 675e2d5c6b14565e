/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { AuditEventView } from '../../audit/list-audit';
import type { UsageReport } from '../../usage/query-usage';
import { UsageChart } from '../chart';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';
import { actionsRunStep, actionsWorkflow, bearerCall, shellTokenSnippet } from './ci-snippets';
import { McpPanel, type McpTestResult } from './mcp-panel';

export function SignInPage(props: {
  chrome: Chrome;
  csrf: string;
  error?: string | undefined;
  email?: string;
}) {
  return (
    <Layout chrome={props.chrome} title="Sign in">
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <form method="post" action="/console/sign-in">
        <Csrf token={props.csrf} />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value={props.email ?? ''}
        />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <p>
          <button type="submit" class="primary">
            Sign in
          </button>
        </p>
      </form>
    </Layout>
  );
}

export function SetupPage(props: {
  chrome: Chrome;
  token: string;
  csrf: string;
  error?: string | undefined;
  /** What was typed before an error, so nothing is lost (never the password). */
  values?: { orgName: string; slug: string; email: string };
}) {
  const v = props.values;
  return (
    <Layout chrome={props.chrome} title="Set up keymint">
      <p>Create the first organisation and its admin. This link works once.</p>
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <form method="post" action={`/console/setup/${props.token}`}>
        <Csrf token={props.csrf} />
        <label for="setup-org-name">Organisation name</label>
        <input
          id="setup-org-name"
          name="orgName"
          type="text"
          required
          maxlength={100}
          value={v?.orgName ?? ''}
        />
        <label for="setup-org-slug">Organisation slug (lower-case letters, digits, hyphens)</label>
        <input id="setup-org-slug" name="slug" type="text" required maxlength={40} value={v?.slug ?? ''} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" required value={v?.email ?? ''} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          minlength={10}
          autocomplete="new-password"
        />
        <p>
          <button type="submit" class="primary">
            Create account
          </button>
        </p>
      </form>
    </Layout>
  );
}

export function MessagePage(props: { chrome: Chrome; title: string; message: string }) {
  return (
    <Layout chrome={props.chrome} title={props.title}>
      <Alert kind="error">{props.message}</Alert>
      <p>
        <a href="/console">Back to the console</a>
      </p>
    </Layout>
  );
}

export function UsagePage(props: { chrome: Chrome; hourly: UsageReport; daily: UsageReport }) {
  return (
    <Layout chrome={props.chrome} title="Usage">
      <section aria-labelledby="hourly">
        <h2 id="hourly">Last 24 hours, per hour</h2>
        <UsageChart report={props.hourly} label="Tokens across the organisation, last 24 hours" />
      </section>
      <section aria-labelledby="daily">
        <h2 id="daily">Last 30 days, per day</h2>
        <UsageChart report={props.daily} label="Tokens across the organisation, last 30 days" />
      </section>
      <p class="muted">Per-key usage is on each key’s page.</p>
    </Layout>
  );
}

export function AuditPage(props: {
  chrome: Chrome;
  items: AuditEventView[];
  nextCursor: string | null;
  filters: { action: string; actorId: string };
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}/audit`;
  return (
    <Layout chrome={props.chrome} title="Audit log">
      <form method="get" action={base} class="filters" aria-label="Filters">
        <div>
          <label for="audit-action">Action</label>
          <input
            id="audit-action"
            name="action"
            type="text"
            placeholder="key.* or key.revoked"
            value={props.filters.action}
          />
        </div>
        <div>
          <label for="audit-actor">Actor</label>
          <input id="audit-actor" name="actorId" type="text" value={props.filters.actorId} />
        </div>
        <button type="submit">Filter</button>
      </form>
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Target</th>
            <th scope="col">From</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((e) => (
            <tr>
              <td>{when(e.at)}</td>
              <td class="mono">{e.action}</td>
              <td>{`${e.actor.type} ${e.actor.id}`}</td>
              <td class="mono">{`${e.target.type} ${e.target.id}`}</td>
              <td>
                {e.ip ?? ''}
                <br />
                <span class="muted">{e.userAgent ?? ''}</span>
              </td>
              <td class="mono">{JSON.stringify(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.items.length === 0 ? <p class="muted">No events match.</p> : null}
      {props.nextCursor ? (
        <p>
          <a href={`${base}?${new URLSearchParams({ ...props.filters, cursor: props.nextCursor })}`}>
            Older events
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

export function IntegratePage(props: {
  chrome: Chrome;
  issuer: string;
  audience: string;
  test?: { ok: boolean; message: string; claims?: Record<string, unknown> } | undefined;
  mcpTest?: McpTestResult | undefined;
}) {
  const token = `${props.issuer}/token`;
  const scope = 'read:subjects';
  const curl = shellTokenSnippet({ tokenUrl: token, scope });
  const actions = actionsRunStep({ tokenUrl: token, scope });
  const workflow = actionsWorkflow({ issuer: props.issuer, scope });
  const graphql = `# The token in $TOKEN goes to curl as a header on its standard input, never on a command line.\n${bearerCall(props.issuer)}`;
  return (
    <Layout chrome={props.chrome} title="Integrate">
      <div class="cards">
        <section class="card" aria-labelledby="endpoints">
          <h2 id="endpoints">Endpoints</h2>
          <dl>
            <dt>Token endpoint</dt>
            <dd class="mono">{token}</dd>
            <dt>JWKS</dt>
            <dd class="mono">{`${props.issuer}/.well-known/jwks.json`}</dd>
            <dt>Discovery</dt>
            <dd class="mono">{`${props.issuer}/.well-known/oauth-authorization-server`}</dd>
            <dt>Issuer / audience</dt>
            <dd class="mono">{`${props.issuer} / ${props.audience}`}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="test">
          <h2 id="test">Connection test</h2>
          {props.test ? <Alert kind={props.test.ok ? 'ok' : 'error'}>{props.test.message}</Alert> : null}
          {props.test?.claims ? (
            <figure>
              <figcaption>Token claims</figcaption>
              <pre>{JSON.stringify(props.test.claims, null, 2)}</pre>
            </figure>
          ) : null}
          <form method="post" action={`/console/orgs/${props.chrome.org?.slug}/integrate/test`}>
            <Csrf token={props.chrome.csrf ?? ''} />
            <label for="test-client-id">Client ID</label>
            <input id="test-client-id" name="clientId" type="text" required autocomplete="off" />
            <label for="test-client-secret">Client secret</label>
            <input id="test-client-secret" name="clientSecret" type="password" required autocomplete="off" />
            <label for="test-scope">Scope (optional)</label>
            <input id="test-scope" name="scope" type="text" />
            <p>
              <button type="submit">Test connection</button>
            </p>
          </form>
        </section>
      </div>
      <h2>Get a token with curl</h2>
      <p class="muted">
        For any CI: the script stops when no token comes back, also under <code>bash -e</code> without
        pipefail, and keeps the secret off every command line.
      </p>
      <textarea id="integrate-curl" readonly rows={11} class="mono" aria-label="curl command">
        {curl}
      </textarea>
      <p>
        <button type="button" data-copy="integrate-curl">
          Copy
        </button>
      </p>
      <h2>GitHub Actions</h2>
      <p class="muted">
        keymint's action needs only bash and curl on the runner. Without a client secret it uses workload
        identity federation: the job's OIDC ID token, with no stored secret at all.
      </p>
      <textarea id="integrate-workflow" readonly rows={16} class="mono" aria-label="GitHub Actions workflow">
        {workflow}
      </textarea>
      <p>
        <button type="button" data-copy="integrate-workflow">
          Copy
        </button>
      </p>
      <p class="muted">Or a step of your own, with bash and curl only:</p>
      <textarea id="integrate-actions" readonly rows={16} class="mono" aria-label="GitHub Actions step">
        {actions}
      </textarea>
      <p>
        <button type="button" data-copy="integrate-actions">
          Copy
        </button>
      </p>
      <h2>Call the GraphQL gateway</h2>
      <textarea id="integrate-graphql" readonly rows={4} class="mono" aria-label="GraphQL example">
        {graphql}
      </textarea>
      <p>
        <button type="button" data-copy="integrate-graphql">
          Copy
        </button>
      </p>
      <McpPanel
        issuer={props.issuer}
        orgSlug={props.chrome.org?.slug ?? ''}
        csrf={props.chrome.csrf ?? ''}
        test={props.mcpTest}
      />
    </Layout>
  );
}
