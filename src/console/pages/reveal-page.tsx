/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { when } from '../format';
import { Alert, type Chrome, Layout } from '../layout';
import { shellTokenSnippet } from './ci-snippets';

/**
 * The one and only sight of a secret; Done waits for the acknowledgement (the script
 * keeps it disabled until the box is ticked; without script the box is required).
 * After a rotation with a grace period it says until when the old secret still works.
 */
export function RevealPage(props: {
  chrome: Chrome;
  name: string;
  clientId: string;
  secret: string;
  tokenUrl: string;
  rotated: boolean;
  /** When the old secret stops, if it still works (a rotation with grace). */
  oldSecretUntil?: { iso: string; fromNow: string } | undefined;
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}`;
  // The secret itself stays out of the snippet: it belongs in the CI's secret store.
  const curl = shellTokenSnippet({ tokenUrl: props.tokenUrl, clientId: props.clientId });
  const old = props.oldSecretUntil;
  return (
    <Layout chrome={props.chrome} title={props.rotated ? 'Key rotated' : 'Key created'}>
      <dialog open class="page-dialog" aria-labelledby="reveal-title">
        <h2 id="reveal-title">Copy the secret of “{props.name}” now</h2>
        <p>This is the only time it is shown. keymint keeps only a digest; nobody can show it again.</p>
        {old ? (
          <Alert kind="info">
            The old secret keeps working until <time datetime={old.iso}>{when(old.iso)}</time> ({old.fromNow}
            ); after that only this one does.
          </Alert>
        ) : null}
        <label for="reveal-client-id">Client ID</label>
        <div class="copy-row">
          <input id="reveal-client-id" type="text" readonly value={props.clientId} class="mono" />
          <button type="button" data-copy="reveal-client-id">
            Copy ID
          </button>
        </div>
        <label for="reveal-secret">Client secret</label>
        <div class="copy-row">
          <input id="reveal-secret" type="text" readonly value={props.secret} class="secret" />
          <button type="button" data-copy="reveal-secret">
            Copy secret
          </button>
        </div>
        <label for="reveal-curl">Get a token in CI (with the secret stored as KEYMINT_CLIENT_SECRET)</label>
        <textarea id="reveal-curl" readonly rows={10} class="code snippet" wrap="off">
          {curl}
        </textarea>
        <div class="actions">
          <button type="button" data-copy="reveal-curl">
            Copy command
          </button>
        </div>
        <form method="get" action={`${base}/keys`}>
          <input type="hidden" name="status" value="active" />
          <label class="check" for="reveal-ack">
            <input id="reveal-ack" type="checkbox" required data-enables="reveal-done" />I have copied the
            secret
          </label>
          <div class="actions">
            <button id="reveal-done" type="submit" class="primary">
              Done
            </button>
          </div>
        </form>
      </dialog>
    </Layout>
  );
}
