/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { KeyView } from '../../api-keys/key-view';
import { NAME_MAX } from '../../lib/display-name';
import type { UsageReport } from '../../usage/query-usage';
import { UsageChart } from '../chart';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';
import { EnableButton } from './confirm';
import { KeyActionButton } from './key-confirmations';
import { KeyLimitFields } from './key-limit-fields';

function Details(props: { k: KeyView }) {
  const { k } = props;
  return (
    <dl class="kv">
      <dt>Client ID</dt>
      <dd class="mono">{k.clientId}</dd>
      <dt>Secret</dt>
      <dd class="mono">{k.secretPreview}</dd>
      <dt>Scopes</dt>
      <dd class="mono">{k.scopes.join(' ')}</dd>
      <dt>Allowed IP ranges</dt>
      <dd class="mono">{k.allowedCidrs.length ? k.allowedCidrs.join(', ') : 'any address'}</dd>
      <dt>Token lifetime</dt>
      <dd>{k.tokenTtlSeconds ? `${k.tokenTtlSeconds} s` : 'the server default'}</dd>
      <dt>Expires</dt>
      <dd>{when(k.expiresAt)}</dd>
      <dt>Last used</dt>
      <dd>{k.lastUsedAt ? `${when(k.lastUsedAt)} from ${k.lastUsedIp ?? 'an unknown address'}` : 'never'}</dd>
      <dt>Created</dt>
      <dd>{`${when(k.createdAt)} by ${k.createdBy}`}</dd>
      {k.rotatedAt ? (
        <>
          <dt>Rotated</dt>
          <dd>{when(k.rotatedAt)}</dd>
        </>
      ) : null}
      {k.revokedAt ? (
        <>
          <dt>Revoked</dt>
          <dd>{when(k.revokedAt)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** Scopes, ranges and lifetime: saving asks first when scopes or ranges change. */
function AccessForm(props: { k: KeyView; catalog: readonly string[]; path: string; csrf: string }) {
  const { k } = props;
  const extra = k.scopes.filter((s) => !props.catalog.includes(s));
  return (
    <section class="card" aria-labelledby="access">
      <h2 id="access">Scopes, IP ranges and token lifetime</h2>
      <Alert kind="warn">
        Changing these may break integrations that use this key right now; you confirm each change before it
        takes effect.
      </Alert>
      <form method="post" action={`${props.path}/update`}>
        <Csrf token={props.csrf} />
        <input type="hidden" name="access" value="1" />
        <fieldset>
          <legend>Scopes</legend>
          <div class="checks">
            {[...props.catalog, ...extra].map((s) => (
              <label class="check">
                <input type="checkbox" name="scopes" value={s} checked={k.scopes.includes(s)} />
                <span class="mono">{s}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <KeyLimitFields
          prefix="edit"
          cidrs={k.allowedCidrs.join('\n')}
          cidrsHelp="One range per line; empty allows any address."
          ttl={String(k.tokenTtlSeconds ?? '')}
        />
        <div class="actions">
          <button type="submit">Save changes</button>
        </div>
      </form>
    </section>
  );
}

/** Rotate, disable or enable, revoke: each says what it does, and asks first. */
function LifeCycle(props: { k: KeyView; path: string; csrf: string }) {
  const { k, path, csrf } = props;
  return (
    <section class="card" aria-labelledby="lifecycle">
      <h2 id="lifecycle">Rotate, disable or revoke</h2>
      <div class="setting">
        <p>
          <strong>Rotate the secret.</strong> A new secret, shown once; the old one can keep working for a
          while.
        </p>
        <KeyActionButton action="rotate" k={k} keyPath={path} csrf={csrf} from="key" />
      </div>
      <div class="setting">
        {k.status === 'active' ? (
          <>
            <p>
              <strong>Disable.</strong> No tokens until enabled again.
            </p>
            <KeyActionButton action="disable" k={k} keyPath={path} csrf={csrf} from="key" />
          </>
        ) : (
          <>
            <p>
              <strong>Enable.</strong> The key gets tokens again.
            </p>
            <EnableButton path={path} name={k.name} csrf={csrf} inline />
          </>
        )}
      </div>
      <div class="setting">
        <p>
          <strong>Revoke.</strong> Stops the key at once and for good.
        </p>
        <KeyActionButton action="revoke" k={k} keyPath={path} csrf={csrf} from="key" />
      </div>
    </section>
  );
}

/** One key: details, usage, and (for admins) every change a key can take. */
export function KeyPage(props: {
  chrome: Chrome;
  k: KeyView;
  catalog: readonly string[];
  usage: UsageReport;
  canWrite: boolean;
  flash?: string | undefined;
  error?: string | undefined;
}) {
  const { k } = props;
  const csrf = props.chrome.csrf ?? '';
  const keys = `/console/orgs/${props.chrome.org?.slug}/keys`;
  const path = `${keys}/${k.id}`;
  const live = k.status === 'active' || k.status === 'disabled';
  return (
    <Layout
      chrome={props.chrome}
      title={`Key “${k.name}”`}
      back={{ href: keys, label: 'API keys' }}
      badge={<span class={`badge ${k.status}`}>{k.status}</span>}
    >
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <div class="cards">
        <section class="card" aria-labelledby="details">
          <h2 id="details">Details</h2>
          <Details k={k} />
        </section>
        <section class="card" aria-labelledby="usage">
          <h2 id="usage">Usage, last 24 hours</h2>
          <UsageChart report={props.usage} label={`Tokens for ${k.name}, last 24 hours`} />
        </section>
      </div>
      {props.canWrite && live ? (
        <div class="cards">
          <div>
            <section class="card" aria-labelledby="rename">
              <h2 id="rename">Rename</h2>
              <form method="post" action={`${path}/update`}>
                <Csrf token={csrf} />
                <label for="rename-name">Name</label>
                <input
                  id="rename-name"
                  name="name"
                  type="text"
                  required
                  maxlength={NAME_MAX}
                  value={k.name}
                />
                <div class="actions">
                  <button type="submit">Rename</button>
                </div>
              </form>
            </section>
            <LifeCycle k={k} path={path} csrf={csrf} />
          </div>
          <AccessForm k={k} catalog={props.catalog} path={path} csrf={csrf} />
        </div>
      ) : null}
      {props.canWrite && !live ? (
        <section class="card" aria-labelledby="remove">
          <h2 id="remove">Delete</h2>
          <div class="setting">
            <p>Removes the key from listings; the audit log keeps it.</p>
            <KeyActionButton action="delete" k={k} keyPath={path} csrf={csrf} from="key" />
          </div>
        </section>
      ) : null}
    </Layout>
  );
}
