/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../../api-keys/key-fields';
import type { KeyView } from '../../api-keys/key-view';
import { WIDE_PREFIX_BELOW } from '../../lib/ip';
import type { UsageReport } from '../../usage/query-usage';
import { UsageChart } from '../chart';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';

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
  const path = `/console/orgs/${props.chrome.org?.slug}/keys/${k.id}`;
  const live = k.status === 'active' || k.status === 'disabled';
  return (
    <Layout chrome={props.chrome} title={`Key “${k.name}”`}>
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <div class="cards">
        <section class="card" aria-labelledby="details">
          <h2 id="details">Details</h2>
          <dl>
            <dt>Client ID</dt>
            <dd class="mono">{k.clientId}</dd>
            <dt>Secret</dt>
            <dd class="mono">{k.secretPreview}</dd>
            <dt>Status</dt>
            <dd>
              <span class={`badge ${k.status}`}>{k.status}</span>
            </dd>
            <dt>Scopes</dt>
            <dd class="mono">{k.scopes.join(' ')}</dd>
            <dt>Allowed IP ranges</dt>
            <dd class="mono">{k.allowedCidrs.length ? k.allowedCidrs.join(', ') : 'any address'}</dd>
            <dt>Token lifetime</dt>
            <dd>{k.tokenTtlSeconds ? `${k.tokenTtlSeconds} s` : 'the server default'}</dd>
            <dt>Expires</dt>
            <dd>{when(k.expiresAt)}</dd>
            <dt>Last used</dt>
            <dd>
              {k.lastUsedAt ? `${when(k.lastUsedAt)} from ${k.lastUsedIp ?? 'an unknown address'}` : 'never'}
            </dd>
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
        </section>
        <section class="card" aria-labelledby="usage">
          <h2 id="usage">Usage, last 24 hours</h2>
          <UsageChart report={props.usage} label={`Tokens for ${k.name}, last 24 hours`} />
        </section>
      </div>
      {props.canWrite && live ? (
        <div class="cards">
          <section class="card">
            <h2 id="rename">Rename</h2>
            <form method="post" action={`${path}/update`}>
              <Csrf token={csrf} />
              <label for="rename-name">Name</label>
              <input id="rename-name" name="name" type="text" required maxlength={100} value={k.name} />
              <p>
                <button type="submit">Rename</button>
              </p>
            </form>
          </section>
          <section class="card" aria-labelledby="access">
            <h2 id="access">Scopes, IP ranges and token lifetime</h2>
            <Alert kind="warn">Changing these may break integrations that use this key right now.</Alert>
            <form method="post" action={`${path}/update`}>
              <Csrf token={csrf} />
              <input type="hidden" name="access" value="1" />
              <fieldset>
                <legend>Scopes</legend>
                {props.catalog.map((s) => (
                  <label>
                    <input type="checkbox" name="scopes" value={s} checked={k.scopes.includes(s)} />
                    {s}
                  </label>
                ))}
                {k.scopes
                  .filter((s) => !props.catalog.includes(s))
                  .map((s) => (
                    <label>
                      <input type="checkbox" name="scopes" value={s} checked />
                      {s}
                    </label>
                  ))}
              </fieldset>
              <label for="edit-cidrs">Allowed IP ranges (one per line; empty allows any address)</label>
              <textarea
                id="edit-cidrs"
                name="allowedCidrs"
                rows={3}
                data-cidr-warning="edit-cidrs-warning"
                data-wide-ipv4={WIDE_PREFIX_BELOW.ipv4}
                data-wide-ipv6={WIDE_PREFIX_BELOW.ipv6}
              >
                {k.allowedCidrs.join('\n')}
              </textarea>
              <p id="edit-cidrs-warning" class="alert warn" hidden>
                Warning: a range this wide (such as 0.0.0.0/0 or ::/0) allows almost any address.
              </p>
              <label for="edit-ttl">
                Token lifetime in seconds ({MIN_TOKEN_TTL}–{MAX_TOKEN_TTL}; empty for the default)
              </label>
              <input
                id="edit-ttl"
                name="tokenTtlSeconds"
                type="number"
                min={MIN_TOKEN_TTL}
                max={MAX_TOKEN_TTL}
                value={k.tokenTtlSeconds ?? ''}
              />
              <p>
                <button type="submit">Save changes</button>
              </p>
            </form>
          </section>
          <section class="card" aria-labelledby="rotate">
            <h2 id="rotate">Rotate the secret</h2>
            <form method="post" action={`${path}/rotate`}>
              <Csrf token={csrf} />
              <label for="rotate-grace">The old secret keeps working</label>
              <select id="rotate-grace" name="gracePeriodSeconds">
                <option value="0">not at all (stops now)</option>
                <option value="3600">for 1 hour</option>
                <option value="86400">for 24 hours</option>
              </select>
              <p>
                <button type="submit">Rotate</button>
              </p>
            </form>
          </section>
          <section class="card" aria-labelledby="state">
            <h2 id="state">Disable or revoke</h2>
            <form method="post" action={`${path}/enabled`} class="inline">
              <Csrf token={csrf} />
              <input type="hidden" name="enabled" value={k.status === 'active' ? 'false' : 'true'} />
              <button type="submit">{k.status === 'active' ? 'Disable' : 'Enable'}</button>
            </form>{' '}
            <button type="button" class="danger" {...{ popovertarget: 'revoke-key' }}>
              Revoke
            </button>
            <dialog id="revoke-key" popover="auto" aria-labelledby="revoke-key-title">
              <h2 id="revoke-key-title">Revoke “{k.name}”?</h2>
              <p>Its secret stops working at once and for good.</p>
              <form method="post" action={`${path}/revoke`} class="inline">
                <Csrf token={csrf} />
                <button type="submit" class="danger">
                  Revoke
                </button>
              </form>{' '}
              <button type="button" {...{ popovertarget: 'revoke-key', popovertargetaction: 'hide' }}>
                Cancel
              </button>
            </dialog>
          </section>
        </div>
      ) : null}
      {props.canWrite && !live ? (
        <form method="post" action={`${path}/delete`}>
          <Csrf token={csrf} />
          <button type="submit">Delete</button>{' '}
          <span class="muted">removes it from listings; the audit log keeps it</span>
        </form>
      ) : null}
    </Layout>
  );
}
