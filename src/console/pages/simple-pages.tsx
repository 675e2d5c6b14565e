/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Alert, type Chrome, Csrf, Layout } from '../layout';
import { actionsRunStep, actionsWorkflow, bearerCall, shellTokenSnippet } from './ci-snippets';
import { McpPanel, type McpTestResult } from './mcp-panel';
import { Snippet } from './snippet';

export function SignInPage(props: {
  chrome: Chrome;
  csrf: string;
  error?: string | undefined;
  email?: string;
}) {
  return (
    <Layout chrome={props.chrome} title="Sign in" narrow>
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <form method="post" action="/console/sign-in" class="card">
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
        <div class="actions">
          <button type="submit" class="primary">
            Sign in
          </button>
        </div>
      </form>
    </Layout>
  );
}

/** A page that only says something: a refusal by default, or news (`kind`). */
export function MessagePage(props: {
  chrome: Chrome;
  title: string;
  message: string;
  kind?: 'error' | 'warn' | 'ok' | 'info';
}) {
  const org = props.chrome.org;
  return (
    <Layout chrome={props.chrome} title={props.title} narrow>
      <Alert kind={props.kind ?? 'error'}>{props.message}</Alert>
      <p>
        {org ? (
          <a href={`/console/orgs/${org.slug}/keys`}>Back to the keys</a>
        ) : (
          <a href="/console">Back to the console</a>
        )}
      </p>
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
          <dl class="kv">
            <dt>Token endpoint</dt>
            <dd class="mono">{token}</dd>
            <dt>JWKS</dt>
            <dd class="mono">{`${props.issuer}/.well-known/jwks.json`}</dd>
            <dt>Discovery</dt>
            <dd class="mono">{`${props.issuer}/.well-known/oauth-authorization-server`}</dd>
            <dt>Issuer</dt>
            <dd class="mono">{props.issuer}</dd>
            <dt>Audience</dt>
            <dd class="mono">{props.audience}</dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="test">
          <h2 id="test">Connection test</h2>
          {props.test ? <Alert kind={props.test.ok ? 'ok' : 'error'}>{props.test.message}</Alert> : null}
          {props.test?.claims ? (
            <figure>
              <figcaption class="small muted">Token claims</figcaption>
              <pre tabindex={0}>{JSON.stringify(props.test.claims, null, 2)}</pre>
            </figure>
          ) : null}
          <p class="muted small">
            Gets a token with a key’s credentials, as your service would. Nothing is stored.
          </p>
          <form method="post" action={`/console/orgs/${props.chrome.org?.slug}/integrate/test`}>
            <Csrf token={props.chrome.csrf ?? ''} />
            <label for="test-client-id">Client ID</label>
            <input id="test-client-id" name="clientId" type="text" required autocomplete="off" />
            <label for="test-client-secret">Client secret</label>
            <input id="test-client-secret" name="clientSecret" type="password" required autocomplete="off" />
            <label for="test-scope">Scope (optional)</label>
            <input id="test-scope" name="scope" type="text" />
            <div class="actions">
              <button type="submit">Test connection</button>
            </div>
          </form>
        </section>
      </div>
      <section class="card" aria-labelledby="curl">
        <h2 id="curl">Get a token with curl</h2>
        <p class="muted">
          For any CI: the script stops when no token comes back, also under <code>bash -e</code> without
          pipefail, and keeps the secret off every command line.
        </p>
        <Snippet id="integrate-curl" label="curl command" rows={11} text={curl} />
      </section>
      <section class="card" aria-labelledby="actions">
        <h2 id="actions">GitHub Actions</h2>
        <p class="muted">
          keymint's action needs only bash and curl on the runner. Without a client secret it uses workload
          identity federation: the job's OIDC ID token, with no stored secret at all.
        </p>
        <Snippet id="integrate-workflow" label="GitHub Actions workflow" rows={16} text={workflow} />
        <p class="muted">Or a step of your own, with bash and curl only:</p>
        <Snippet id="integrate-actions" label="GitHub Actions step" rows={16} text={actions} />
      </section>
      <section class="card" aria-labelledby="graphql">
        <h2 id="graphql">Call the GraphQL gateway</h2>
        <Snippet id="integrate-graphql" label="GraphQL example" rows={4} text={graphql} />
      </section>
      <McpPanel
        issuer={props.issuer}
        orgSlug={props.chrome.org?.slug ?? ''}
        csrf={props.chrome.csrf ?? ''}
        test={props.mcpTest}
      />
    </Layout>
  );
}
