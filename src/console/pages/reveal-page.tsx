/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { type Chrome, Layout } from '../layout';
import { shellTokenSnippet } from './ci-snippets';

/** The one and only sight of a secret; the Done button waits for the acknowledgement. */
export function RevealPage(props: {
  chrome: Chrome;
  name: string;
  clientId: string;
  secret: string;
  tokenUrl: string;
  rotated: boolean;
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}`;
  // The secret itself stays out of the snippet: it belongs in the CI's secret store.
  const curl = shellTokenSnippet({ tokenUrl: props.tokenUrl, clientId: props.clientId });
  return (
    <Layout chrome={props.chrome} title={props.rotated ? 'Key rotated' : 'Key created'}>
      <dialog open aria-labelledby="reveal-title">
        <h2 id="reveal-title">Copy the secret of “{props.name}” now</h2>
        <p>This is the only time it is shown. keymint keeps only a digest; nobody can show it again.</p>
        <label for="reveal-client-id">Client ID</label>
        <input id="reveal-client-id" type="text" readonly value={props.clientId} class="mono" />
        <label for="reveal-secret">Client secret</label>
        <input id="reveal-secret" type="text" readonly value={props.secret} class="secret" />
        <p>
          <button type="button" data-copy="reveal-secret">
            Copy secret
          </button>
        </p>
        <label for="reveal-curl">Get a token in CI (with the secret stored as KEYMINT_CLIENT_SECRET)</label>
        <textarea id="reveal-curl" readonly rows={10} class="mono">
          {curl}
        </textarea>
        <p>
          <button type="button" data-copy="reveal-curl">
            Copy command
          </button>
        </p>
        <p>
          <input id="reveal-ack" type="checkbox" data-enables="reveal-done" />{' '}
          <label for="reveal-ack" class="inline">
            I have copied the secret
          </label>
        </p>
        <form method="get" action={`${base}/keys`}>
          <input type="hidden" name="status" value="active" />
          <button id="reveal-done" type="submit" class="primary" disabled>
            Done
          </button>
        </form>
      </dialog>
    </Layout>
  );
}
