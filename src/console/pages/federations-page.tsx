/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { FederationView } from '../../federation/federation-view';
import { when } from '../format';
import { Alert, type Chrome, Layout } from '../layout';

/** The repository a policy pins, for people: its name if pinned, then the ids that decide. */
export function RepositoryPins(props: { claims: Record<string, string> }) {
  const c = props.claims;
  const ids = [
    c.repository_id ? `repository ${c.repository_id}` : '',
    c.repository_owner_id ? `owner ${c.repository_owner_id}` : '',
  ].filter(Boolean);
  if (!c.repository && ids.length === 0) return <span class="muted">none</span>;
  return (
    <>
      {c.repository ? <span class="mono">{c.repository}</span> : null}
      {ids.length ? <div class="muted mono">{`id ${ids.join(', ')}`}</div> : null}
    </>
  );
}

/** An organisation's federations: trust policies for CI jobs that hold no secret. */
export function FederationsPage(props: {
  chrome: Chrome;
  federations: FederationView[];
  nextCursor: string | null;
  canWrite: boolean;
  flash?: string | undefined;
  error?: string | undefined;
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}/federations`;
  const n = props.federations.length;
  return (
    <Layout chrome={props.chrome} title="Federations">
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <p>
        A federation lets a CI job — a GitHub Actions workflow — get a keymint token with no stored secret:
        the job shows GitHub’s signed ID token, and keymint checks it against the federation’s repository,
        branch and other pins before issuing a token with the federation’s scopes.
      </p>
      {props.canWrite ? (
        <p>
          <a class="button primary" href={`${base}/new`}>
            Create federation
          </a>
        </p>
      ) : null}
      {n === 0 ? (
        <section class="card" aria-labelledby="empty">
          <h2 id="empty">No federations yet</h2>
          {props.canWrite ? (
            <p>
              Create one for the repository whose workflows need a token: you will need the repository’s
              numeric id and its owner’s id (the form says where to find them). keymint then shows the
              workflow to paste.
            </p>
          ) : (
            <p>Ask an admin of this organisation to create one for your repository.</p>
          )}
        </section>
      ) : (
        <table>
          <caption class="muted">{`${n} federation${n === 1 ? '' : 's'}`}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client ID</th>
              <th scope="col">Issuer</th>
              <th scope="col">Repository</th>
              <th scope="col">Subject</th>
              <th scope="col">Scopes</th>
              <th scope="col">Status</th>
              <th scope="col">Last used</th>
            </tr>
          </thead>
          <tbody>
            {props.federations.map((f) => (
              <tr>
                <td>
                  <a href={`${base}/${f.id}`}>{f.name}</a>
                </td>
                <td class="mono">{f.clientId}</td>
                <td class="mono">{f.issuer}</td>
                <td>
                  <RepositoryPins claims={f.claims} />
                </td>
                <td class="mono">{f.subject ?? 'any'}</td>
                <td class="mono">{f.scopes.join(' ')}</td>
                <td>
                  <span class={`badge ${f.status}`}>{f.status}</span>
                </td>
                <td>{when(f.lastUsedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor ? (
        <p>
          <a href={`${base}?${new URLSearchParams({ cursor: props.nextCursor })}`}>More federations</a>
        </p>
      ) : null}
    </Layout>
  );
}
