/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../../api-keys/key-fields';
import type { KeyView } from '../../api-keys/key-view';
import { WIDE_PREFIX_BELOW } from '../../lib/ip';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';

export interface KeysFilters {
  status: string;
  q: string;
  hideRevoked: boolean;
}

export interface CreateForm {
  error?: string | undefined;
  values?: Record<string, string | string[]> | undefined;
}

const STATUSES = [
  ['active', 'Active'],
  ['disabled', 'Disabled'],
  ['expired', 'Expired'],
  ['revoked', 'Revoked'],
  ['all', 'All'],
] as const;

const EXPIRIES = [
  ['30d', '30 days'],
  ['60d', '60 days'],
  ['90d', '90 days'],
  ['180d', '180 days'],
  ['1y', '1 year'],
  ['never', 'No expiration'],
  ['date', 'On a date…'],
] as const;

function CreateDialog(props: { chrome: Chrome; base: string; catalog: readonly string[]; form: CreateForm }) {
  const v = props.form.values ?? {};
  const chosen = Array.isArray(v.scopes) ? v.scopes : v.scopes ? [v.scopes] : undefined;
  const checked = (s: string) => (chosen ? chosen.includes(s) : s.startsWith('read:'));
  const attrs = props.form.error ? { open: true } : { popover: 'auto' as const };
  return (
    <dialog id="create-key" aria-labelledby="create-key-title" {...attrs}>
      <h2 id="create-key-title">Create key</h2>
      {props.form.error ? <Alert kind="error">{props.form.error}</Alert> : null}
      <form method="post" action={`${props.base}/keys`}>
        <Csrf token={props.chrome.csrf ?? ''} />
        <label for="key-name">Name</label>
        <input id="key-name" name="name" type="text" required maxlength={100} value={String(v.name ?? '')} />
        <fieldset>
          <legend>Scopes</legend>
          {props.catalog.map((s) => (
            <label>
              <input type="checkbox" name="scopes" value={s} checked={checked(s)} />
              {s}
            </label>
          ))}
        </fieldset>
        <label for="key-expiry">Expiration</label>
        <select id="key-expiry" name="expiresIn" data-date-when="key-expiry-date">
          {EXPIRIES.map(([value, label]) => (
            <option value={value} selected={(v.expiresIn ?? '90d') === value}>
              {label}
            </option>
          ))}
        </select>
        <div data-date-box>
          <label for="key-expiry-date">Expiration date</label>
          <input id="key-expiry-date" name="expiresOn" type="date" value={String(v.expiresOn ?? '')} />
        </div>
        <label for="key-cidrs">Allowed IP ranges (one per line; empty allows any address)</label>
        <textarea
          id="key-cidrs"
          name="allowedCidrs"
          rows={3}
          data-cidr-warning="key-cidrs-warning"
          data-wide-ipv4={WIDE_PREFIX_BELOW.ipv4}
          data-wide-ipv6={WIDE_PREFIX_BELOW.ipv6}
        >
          {String(v.allowedCidrs ?? '')}
        </textarea>
        <p id="key-cidrs-warning" class="alert warn" hidden>
          Warning: a range this wide (such as 0.0.0.0/0 or ::/0) allows almost any address.
        </p>
        <label for="key-ttl">
          Token lifetime in seconds ({MIN_TOKEN_TTL}–{MAX_TOKEN_TTL}; empty for the default)
        </label>
        <input
          id="key-ttl"
          name="tokenTtlSeconds"
          type="number"
          min={MIN_TOKEN_TTL}
          max={MAX_TOKEN_TTL}
          value={String(v.tokenTtlSeconds ?? '')}
        />
        <p>
          <button type="submit" class="primary">
            Create
          </button>
        </p>
      </form>
    </dialog>
  );
}

function RowActions(props: { chrome: Chrome; base: string; k: KeyView }) {
  const { k, base } = props;
  const path = `${base}/keys/${k.id}`;
  if (k.status === 'revoked' || k.status === 'expired') {
    return (
      <form method="post" action={`${path}/delete`} class="inline">
        <Csrf token={props.chrome.csrf ?? ''} />
        <button type="submit">Delete</button>
      </form>
    );
  }
  return (
    <>
      <form method="post" action={`${path}/rotate`} class="inline">
        <Csrf token={props.chrome.csrf ?? ''} />
        <button type="submit">Rotate</button>
      </form>{' '}
      <form method="post" action={`${path}/enabled`} class="inline">
        <Csrf token={props.chrome.csrf ?? ''} />
        <input type="hidden" name="enabled" value={k.status === 'active' ? 'false' : 'true'} />
        <button type="submit">{k.status === 'active' ? 'Disable' : 'Enable'}</button>
      </form>{' '}
      <button type="button" class="danger" {...{ popovertarget: `revoke-${k.id}` }}>
        Revoke
      </button>
      <dialog id={`revoke-${k.id}`} popover="auto" aria-labelledby={`revoke-${k.id}-title`}>
        <h2 id={`revoke-${k.id}-title`}>Revoke “{k.name}”?</h2>
        <p>Its secret stops working at once and for good; tokens it obtained are refused by the gateway.</p>
        <form method="post" action={`${path}/revoke`} class="inline">
          <Csrf token={props.chrome.csrf ?? ''} />
          <button type="submit" class="danger">
            Revoke
          </button>
        </form>{' '}
        <button type="button" {...{ popovertarget: `revoke-${k.id}`, popovertargetaction: 'hide' }}>
          Cancel
        </button>
      </dialog>
    </>
  );
}

export function KeysPage(props: {
  chrome: Chrome;
  keys: KeyView[];
  nextCursor: string | null;
  filters: KeysFilters;
  catalog: readonly string[];
  canWrite: boolean;
  flash?: string | undefined;
  error?: string | undefined;
  create: CreateForm;
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}`;
  const f = props.filters;
  return (
    <Layout chrome={props.chrome} title="API keys">
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <form method="get" action={`${base}/keys`} class="filters" aria-label="Filters">
        <div>
          <label for="filter-status">Status</label>
          <select id="filter-status" name="status">
            {STATUSES.map(([value, label]) => (
              <option value={value} selected={f.status === value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div class="check">
          <input
            id="filter-hide-revoked"
            type="checkbox"
            name="hideRevoked"
            value="1"
            checked={f.hideRevoked}
          />
          <label for="filter-hide-revoked">Hide revoked</label>
        </div>
        <div>
          <label for="filter-q">Search keys</label>
          <input id="filter-q" type="text" name="q" value={f.q} />
        </div>
        <button type="submit">Filter</button>
        {props.canWrite ? (
          <button type="button" class="primary" {...{ popovertarget: 'create-key' }}>
            Create key
          </button>
        ) : null}
      </form>
      {props.canWrite ? (
        <CreateDialog chrome={props.chrome} base={base} catalog={props.catalog} form={props.create} />
      ) : null}
      <table>
        <caption class="muted">{`${props.keys.length} key${props.keys.length === 1 ? '' : 's'}`}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Client ID</th>
            <th scope="col">Secret</th>
            <th scope="col">Status</th>
            <th scope="col">Scopes</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Created by</th>
            <th scope="col">Created</th>
            {props.canWrite ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.keys.map((k) => (
            <tr>
              <td>
                <a href={`${base}/keys/${k.id}`}>{k.name}</a>
              </td>
              <td class="mono">{k.clientId}</td>
              <td class="mono">{k.secretPreview}</td>
              <td>
                <span class={`badge ${k.status}`}>{k.status}</span>
              </td>
              <td class="mono">{k.scopes.join(' ')}</td>
              <td>{when(k.expiresAt)}</td>
              <td>{k.lastUsedAt ? `${when(k.lastUsedAt)} from ${k.lastUsedIp ?? '?'}` : 'never'}</td>
              <td>{k.createdBy}</td>
              <td>{when(k.createdAt)}</td>
              {props.canWrite ? (
                <td>
                  <RowActions chrome={props.chrome} base={base} k={k} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {props.keys.length === 0 ? <p class="muted">No keys match.</p> : null}
      {props.nextCursor ? (
        <p>
          <a
            href={`${base}/keys?${new URLSearchParams({ status: f.status, q: f.q, ...(f.hideRevoked ? { hideRevoked: '1' } : {}), cursor: props.nextCursor })}`}
          >
            More keys
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
