/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { FederationView } from '../../federation/federation-view';
import { Day } from '../dates';
import { Alert, type Chrome, Layout } from '../layout';

/** The repository a policy pins, for people: its name if pinned, then the ids that decide. */
export function RepositoryPins(props: { claims: Record<string, string> }) {
  const c = props.claims;
  const ids = [
    c.repository_id ? `repository ${c.repository_id}` : '',
    c.repository_owner_id ? `owner ${c.repository_owner_id}` : '',
  ].filter(Boolean);
  if (!c.repository && ids.length === 0) return <span class="muted">none</span>;
  const idText = ids.length ? `id ${ids.join(', ')}` : '';
  return (
    <span class="repo" title={idText || undefined}>
      {c.repository ? <span class="mono">{c.repository}</span> : null}
      {ids.length ? <span class="muted mono small">{idText}</span> : null}
    </span>
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
  const create = props.canWrite ? (
    <a class="button primary" href={`${base}/new`}>
      Create federation
    </a>
  ) : null;
  return (
    <Layout chrome={props.chrome} title="Federations" actions={create}>
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <p class="lead">
        A federation lets a CI job — a GitHub Actions workflow — get a keymint token with no stored secret:
        the job shows GitHub’s signed ID token, and keymint checks it against the federation’s repository,
        branch and other pins before issuing a token with the federation’s scopes.
      </p>
      {n === 0 ? (
        <section class="card empty" aria-labelledby="empty">
          <h2 id="empty">No federations yet</h2>
          {props.canWrite ? (
            <>
              <p>
                Create one for the repository whose workflows need a token: you will need the repository’s
                numeric id and its owner’s id (the form says where to find them). keymint then shows the
                workflow to paste.
              </p>
              <p>
                <a class="button primary" href={`${base}/new`}>
                  Create federation
                </a>
              </p>
            </>
          ) : (
            <p>Ask an admin of this organisation to create one for your repository.</p>
          )}
        </section>
      ) : (
        <table class="data-table stack">
          <caption>{`${n} federation${n === 1 ? '' : 's'}`}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client ID</th>
              <th scope="col" class="col-lg">
                Issuer
              </th>
              <th scope="col">Repository</th>
              <th scope="col" class="col-lg">
                Subject
              </th>
              <th scope="col" class="col-xl">
                Scopes
              </th>
              <th scope="col">Status</th>
              <th scope="col" class="col-lg">
                Last used
              </th>
            </tr>
          </thead>
          <tbody>
            {props.federations.map((f) => (
              <tr>
                <td class="cell-title">
                  <a href={`${base}/${f.id}`} class="truncate w-l" title={f.name}>
                    {f.name}
                  </a>
                </td>
                <td data-label="Client ID">
                  <span class="mono truncate w-s" title={f.clientId}>
                    {f.clientId}
                  </span>
                </td>
                <td data-label="Issuer" class="col-lg">
                  <span class="mono truncate w-m" title={f.issuer}>
                    {f.issuer}
                  </span>
                </td>
                <td data-label="Repository">
                  <RepositoryPins claims={f.claims} />
                </td>
                <td data-label="Subject" class="col-lg">
                  <span class="mono truncate w-m" title={f.subject ?? 'any'}>
                    {f.subject ?? 'any'}
                  </span>
                </td>
                <td data-label="Scopes" class="col-xl">
                  <span class="mono truncate w-m" title={f.scopes.join(' ')}>
                    {f.scopes.join(' ')}
                  </span>
                </td>
                <td data-label="Status">
                  <span class={`badge ${f.status}`}>{f.status}</span>
                </td>
                <td data-label="Last used" class="col-lg">
                  <Day iso={f.lastUsedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.nextCursor ? (
        <nav class="pager" aria-label="More federations">
          <span />
          <a href={`${base}?${new URLSearchParams({ cursor: props.nextCursor })}`}>More federations</a>
        </nav>
      ) : null}
    </Layout>
  );
}
