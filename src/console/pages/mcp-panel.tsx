/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { Alert, Csrf } from '../layout';
import { Snippet } from './snippet';

export interface McpTestResult {
  ok: boolean;
  message: string;
  tools?: { name: string; description?: string | undefined }[];
}

const rpc = (method: string, id: number, params: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params });

/** The JSON-RPC messages an MCP client sends, as copy-ready curl calls (the token on stdin). */
function examples(endpoint: string): string {
  const post = (body: string) =>
    `printf 'Authorization: Bearer %s\\n' "$TOKEN" | curl -sS --fail-with-body -H @- \\
  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \\
  -d '${body}' ${endpoint}`;
  return [
    '# $TOKEN is an access token from /token (scopes read:keys, write:keys, read:usage, read:audit decide the tools).',
    '# initialize',
    post(
      rpc('initialize', 1, {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'curl', version: '1' },
      }),
    ),
    '# tools/list',
    post(rpc('tools/list', 2)),
    '# tools/call',
    post(rpc('tools/call', 3, { name: 'list_keys', arguments: { status: 'active', limit: 10 } })),
  ].join('\n');
}

/** An agent host's configuration: the URL and the header, the token from the environment. */
const clientConfig = (endpoint: string) =>
  JSON.stringify(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the agent host expands ${KEYMINT_TOKEN}, not JavaScript
    { mcpServers: { keymint: { url: endpoint, headers: { Authorization: 'Bearer ${KEYMINT_TOKEN}' } } } },
    null,
    2,
  );

/**
 * The Integrate page's MCP panel: where the endpoint is, how to authenticate, what to
 * send, and a connection test that lists the tools a key's token would see.
 */
export function McpPanel(props: {
  issuer: string;
  orgSlug: string;
  csrf: string;
  test?: McpTestResult | undefined;
}) {
  const endpoint = `${props.issuer}/mcp`;
  return (
    <section class="card" aria-labelledby="mcp">
      <h2 id="mcp">MCP</h2>
      <p class="muted">
        Agents and automation manage this organisation’s keys over the Model Context Protocol (Streamable
        HTTP, stateless). Each tool is listed only when the token’s scopes allow it, and follows the same
        rules as the API: a token never grants more than it holds.
      </p>
      <dl class="kv">
        <dt>Endpoint</dt>
        <dd class="mono">{endpoint}</dd>
        <dt>Authorization header</dt>
        <dd class="mono">Authorization: Bearer &lt;access token from {props.issuer}/token&gt;</dd>
        <dt>Discovery</dt>
        <dd class="mono">{`${props.issuer}/.well-known/oauth-protected-resource`}</dd>
      </dl>
      <h3>JSON-RPC examples</h3>
      <Snippet id="mcp-examples" label="MCP JSON-RPC examples" rows={14} text={examples(endpoint)} />
      <h3>Client configuration</h3>
      <Snippet id="mcp-config" label="MCP client configuration" rows={10} text={clientConfig(endpoint)} />
      <h3 id="mcp-test">MCP connection test</h3>
      {props.test ? <Alert kind={props.test.ok ? 'ok' : 'error'}>{props.test.message}</Alert> : null}
      {props.test?.tools ? (
        <ul aria-label="Tools this key would see">
          {props.test.tools.map((t) => (
            <li>
              <code>{t.name}</code>
              {t.description ? ` — ${t.description}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <form method="post" action={`/console/orgs/${props.orgSlug}/integrate/mcp-test`}>
        <Csrf token={props.csrf} />
        <label for="mcp-client-id">MCP client ID</label>
        <input id="mcp-client-id" name="clientId" type="text" required autocomplete="off" />
        <label for="mcp-client-secret">MCP client secret</label>
        <input id="mcp-client-secret" name="clientSecret" type="password" required autocomplete="off" />
        <p class="help">The secret is used for this one test and never stored.</p>
        <div class="actions">
          <button type="submit">List the tools this key would see</button>
        </div>
      </form>
    </section>
  );
}
