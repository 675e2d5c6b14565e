/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { FederationView } from '../../federation/federation-view';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';
import { RepositoryPins } from './federations-page';

/** A confirmation naming the federation, then the form that does it. */
function Confirmed(props: {
  id: string;
  label: string;
  title: string;
  text: string;
  action: string;
  csrf: string;
  fields?: Record<string, string>;
}) {
  return (
    <>
      <button type="button" class="danger" {...{ popovertarget: props.id }}>
        {props.label}
      </button>
      <dialog id={props.id} popover="auto" aria-labelledby={`${props.id}-title`}>
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <p>{props.text}</p>
        <form method="post" action={props.action} class="inline">
          <Csrf token={props.csrf} />
          {Object.entries(props.fields ?? {}).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          <button type="submit" class="danger">
            {props.label}
          </button>
        </form>{' '}
        <button type="button" {...{ popovertarget: props.id, popovertargetaction: 'hide' }}>
          Cancel
        </button>
      </dialog>
    </>
  );
}

/** One federation: its policy, the workflow to paste, and (for admins) its life cycle. */
export function FederationPage(props: {
  chrome: Chrome;
  f: FederationView;
  workflow: string;
  canWrite: boolean;
  flash?: string | undefined;
  error?: string | undefined;
}) {
  const { f } = props;
  const csrf = props.chrome.csrf ?? '';
  const path = `/console/orgs/${props.chrome.org?.slug}/federations/${f.id}`;
  const claims = Object.entries(f.claims);
  return (
    <Layout chrome={props.chrome} title={`Federation “${f.name}”`}>
      <p>
        <a href={`/console/orgs/${props.chrome.org?.slug}/federations`}>Back to federations</a>
      </p>
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <div class="cards">
        <section class="card" aria-labelledby="details">
          <h2 id="details">Policy</h2>
          <dl>
            <dt>Client ID</dt>
            <dd class="mono">{f.clientId}</dd>
            <dt>Status</dt>
            <dd>
              <span class={`badge ${f.status}`}>{f.status}</span>
            </dd>
            <dt>Issuer</dt>
            <dd class="mono">{f.issuer}</dd>
            <dt>Audience</dt>
            <dd class="mono">{f.audience}</dd>
            <dt>Repository</dt>
            <dd>
              <RepositoryPins claims={f.claims} />
            </dd>
            <dt>Pinned claims</dt>
            <dd>
              {claims.length === 0 ? (
                'none'
              ) : (
                <ul class="mono">
                  {claims.map(([name, value]) => (
                    <li>{`${name} = ${value}`}</li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>Subject pattern</dt>
            <dd class="mono">{f.subject ?? 'any subject'}</dd>
            <dt>Scopes</dt>
            <dd class="mono">{f.scopes.join(' ')}</dd>
            <dt>Token lifetime</dt>
            <dd>{f.tokenTtlSeconds ? `${f.tokenTtlSeconds} s` : 'the server default'}</dd>
            <dt>Last used</dt>
            <dd>{when(f.lastUsedAt)}</dd>
            <dt>Created</dt>
            <dd>{`${when(f.createdAt)} by ${f.createdBy}`}</dd>
          </dl>
        </section>
        {props.canWrite ? (
          <section class="card" aria-labelledby="state">
            <h2 id="state">{f.status === 'revoked' ? 'Delete' : 'Disable or revoke'}</h2>
            {f.status === 'revoked' ? (
              <Confirmed
                id="delete-federation"
                label="Delete"
                title={`Delete “${f.name}”?`}
                text="It leaves the listings; the audit log keeps it."
                action={`${path}/delete`}
                csrf={csrf}
              />
            ) : (
              <>
                {f.status === 'active' ? (
                  <Confirmed
                    id="disable-federation"
                    label="Disable"
                    title={`Disable “${f.name}”?`}
                    text="Jobs get no token through it until it is enabled again."
                    action={`${path}/enabled`}
                    csrf={csrf}
                    fields={{ enabled: 'false' }}
                  />
                ) : (
                  <form method="post" action={`${path}/enabled`} class="inline">
                    <Csrf token={csrf} />
                    <input type="hidden" name="enabled" value="true" />
                    <button type="submit">Enable</button>
                  </form>
                )}{' '}
                <Confirmed
                  id="revoke-federation"
                  label="Revoke"
                  title={`Revoke “${f.name}”?`}
                  text="Jobs get no token through it, at once and for good; workflows using it must move to a new federation."
                  action={`${path}/revoke`}
                  csrf={csrf}
                />
              </>
            )}
          </section>
        ) : null}
      </div>
      {f.status === 'revoked' ? null : (
        <section aria-labelledby="workflow">
          <h2 id="workflow">Use it in a GitHub Actions workflow</h2>
          <p>
            Paste this into the repository’s <code>.github/workflows/</code>. The job needs no secret: with{' '}
            <code>permissions: id-token: write</code> it asks GitHub for an ID token, and keymint’s action
            exchanges it for a token.
          </p>
          <textarea id="federation-workflow" readonly rows={30} class="mono" aria-label="Workflow YAML">
            {props.workflow}
          </textarea>
          <p>
            <button type="button" data-copy="federation-workflow">
              Copy
            </button>
          </p>
        </section>
      )}
    </Layout>
  );
}
