/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { FederationView } from '../../federation/federation-view';
import { when } from '../format';
import { Alert, type Chrome, Layout } from '../layout';
import { type Confirmation, ConfirmButton, EnableButton } from './confirm';
import { RepositoryPins } from './federations-page';
import { Snippet } from './snippet';

/** The federation actions that ask first; enabling needs no confirmation. */
export const FEDERATION_CONFIRMATIONS = ['disable', 'revoke', 'delete'] as const;
export type FederationConfirmation = (typeof FEDERATION_CONFIRMATIONS)[number];

/** What each action does, asked with the federation's name. */
export function federationConfirmation(
  action: FederationConfirmation,
  f: { id: string; name: string },
  path: string,
  csrf: string,
): Confirmation {
  const id = `${action}-federation`;
  switch (action) {
    case 'disable':
      return {
        id,
        title: `Disable “${f.name}”?`,
        action: `${path}/enabled`,
        confirm: 'Disable',
        tone: 'danger',
        csrf,
        hidden: { enabled: 'false' },
        body: () => <p>Jobs get no token through it until it is enabled again.</p>,
      };
    case 'revoke':
      return {
        id,
        title: `Revoke “${f.name}”?`,
        action: `${path}/revoke`,
        confirm: 'Revoke',
        tone: 'danger',
        csrf,
        body: () => (
          <p>
            Jobs get no token through it, at once and for good; workflows using it must move to a new
            federation.
          </p>
        ),
      };
    case 'delete':
      return {
        id,
        title: `Delete “${f.name}”?`,
        action: `${path}/delete`,
        confirm: 'Delete',
        tone: 'danger',
        csrf,
        body: () => <p>It leaves the listings; the audit log keeps it.</p>,
      };
  }
}

const LABELS: Record<FederationConfirmation, string> = {
  disable: 'Disable',
  revoke: 'Revoke',
  delete: 'Delete',
};

/** The federation's action button, named with it, that asks first. */
function Confirmed(props: { action: FederationConfirmation; f: FederationView; path: string; csrf: string }) {
  const label = LABELS[props.action];
  return (
    <ConfirmButton
      c={federationConfirmation(props.action, props.f, props.path, props.csrf)}
      label={label}
      ariaLabel={`${label} ${props.f.name}`}
      page={`${props.path}/${props.action}`}
      tone={props.action === 'disable' ? 'plain' : 'danger'}
    />
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
    <Layout
      chrome={props.chrome}
      title={`Federation “${f.name}”`}
      back={{ href: `/console/orgs/${props.chrome.org?.slug}/federations`, label: 'Federations' }}
      badge={<span class={`badge ${f.status}`}>{f.status}</span>}
    >
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <div class="cards">
        <section class="card" aria-labelledby="details">
          <h2 id="details">Policy</h2>
          <dl class="kv">
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
              <div class="setting">
                <p>Removes it from the listings; the audit log keeps it.</p>
                <Confirmed action="delete" f={f} path={path} csrf={csrf} />
              </div>
            ) : (
              <>
                <div class="setting">
                  {f.status === 'active' ? (
                    <>
                      <p>
                        <strong>Disable.</strong> No tokens through it until enabled again.
                      </p>
                      <Confirmed action="disable" f={f} path={path} csrf={csrf} />
                    </>
                  ) : (
                    <>
                      <p>
                        <strong>Enable.</strong> Jobs get tokens through it again.
                      </p>
                      <EnableButton path={path} name={f.name} csrf={csrf} inline />
                    </>
                  )}
                </div>
                <div class="setting">
                  <p>
                    <strong>Revoke.</strong> Stops it at once and for good.
                  </p>
                  <Confirmed action="revoke" f={f} path={path} csrf={csrf} />
                </div>
              </>
            )}
          </section>
        ) : null}
      </div>
      {f.status === 'revoked' ? null : (
        <section class="card" aria-labelledby="workflow">
          <h2 id="workflow">Use it in a GitHub Actions workflow</h2>
          <p>
            Paste this into the repository’s <code>.github/workflows/</code>. The job needs no secret: with{' '}
            <code>permissions: id-token: write</code> it asks GitHub for an ID token, and keymint’s action
            exchanges it for a token.
          </p>
          <Snippet id="federation-workflow" label="Workflow YAML" rows={30} text={props.workflow} />
        </section>
      )}
    </Layout>
  );
}
