/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { KeyView } from '../../api-keys/key-view';
import { Day } from '../dates';
import { when } from '../format';
import { Alert, type Chrome, Layout } from '../layout';
import { EnableButton } from './confirm';
import { CreateKeyDialog } from './create-key-form';
import { KeyActionButton } from './key-confirmations';

export interface KeysFilters {
  status: string;
  q: string;
  hideRevoked: boolean;
}

const STATUSES = [
  ['active', 'Active'],
  ['disabled', 'Disabled'],
  ['expired', 'Expired'],
  ['revoked', 'Revoked'],
  ['all', 'All'],
] as const;

/** A row's buttons: each named with the key, the destructive ones asking first. */
function RowActions(props: { csrf: string; base: string; k: KeyView }) {
  const { k, csrf } = props;
  const keyPath = `${props.base}/keys/${k.id}`;
  if (k.status === 'revoked' || k.status === 'expired') {
    return (
      <div class="row-actions">
        <KeyActionButton action="delete" k={k} keyPath={keyPath} csrf={csrf} from="list" />
      </div>
    );
  }
  return (
    <div class="row-actions">
      <KeyActionButton action="rotate" k={k} keyPath={keyPath} csrf={csrf} from="list" />
      {k.status === 'active' ? (
        <KeyActionButton action="disable" k={k} keyPath={keyPath} csrf={csrf} from="list" />
      ) : (
        <EnableButton path={keyPath} name={k.name} csrf={csrf} />
      )}
      <KeyActionButton action="revoke" k={k} keyPath={keyPath} csrf={csrf} from="list" />
    </div>
  );
}

/**
 * The table stays one line per key: long values truncate (the full text in a tooltip,
 * and on the key's page), the creation date and its author share a column; narrower
 * windows drop the secondary columns, and phones get one card per key.
 */
function KeysTable(props: { keys: KeyView[]; base: string; canWrite: boolean; csrf: string }) {
  const n = props.keys.length;
  return (
    <table class="data-table fixed stack keys-table">
      <caption>{`${n} key${n === 1 ? '' : 's'}`}</caption>
      <thead>
        <tr>
          <th scope="col" class="c-name">
            Name
          </th>
          <th scope="col" class="c-client">
            Client ID
          </th>
          <th scope="col" class="c-secret">
            Secret
          </th>
          <th scope="col" class="c-status">
            Status
          </th>
          <th scope="col" class="c-scopes col-lg">
            Scopes
          </th>
          <th scope="col" class="c-date col-xl">
            Expires
          </th>
          <th scope="col" class="c-date col-lg">
            Last used
          </th>
          <th scope="col" class="c-created col-xl">
            Created
          </th>
          {props.canWrite ? (
            <th scope="col" class="c-actions">
              <span class="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {props.keys.map((k) => (
          <tr>
            <td class="cell-title">
              <a href={`${props.base}/keys/${k.id}`} class="truncate" title={k.name}>
                {k.name}
              </a>
            </td>
            <td data-label="Client ID">
              <span class="mono truncate" title={k.clientId}>
                {k.clientId}
              </span>
            </td>
            <td data-label="Secret" class="mono">
              {k.secretPreview}
            </td>
            <td data-label="Status">
              <span class={`badge ${k.status}`}>{k.status}</span>
            </td>
            <td data-label="Scopes" class="col-lg">
              <span class="mono truncate" title={k.scopes.join(' ')}>
                {k.scopes.join(' ')}
              </span>
            </td>
            <td data-label="Expires" class="col-xl">
              <Day iso={k.expiresAt} />
            </td>
            <td data-label="Last used" class="col-lg">
              <Day iso={k.lastUsedAt} detail={k.lastUsedIp ? `from ${k.lastUsedIp}` : undefined} />
            </td>
            <td data-label="Created" class="col-xl">
              <span class="truncate" title={`${when(k.createdAt)} by ${k.createdBy}`}>
                <time datetime={k.createdAt}>{k.createdAt.slice(0, 10)}</time> by {k.createdBy}
              </span>
            </td>
            {props.canWrite ? (
              <td class="cell-actions">
                <RowActions csrf={props.csrf} base={props.base} k={k} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Nothing to list: say why, and what to do next. */
function EmptyState(props: { filtered: boolean; base: string; canWrite: boolean }) {
  if (props.filtered) {
    return (
      <div class="card empty">
        <p>No keys match.</p>
        <p>
          <a href={`${props.base}/keys?status=all`}>Show all keys</a>
        </p>
      </div>
    );
  }
  return (
    <section class="card empty" aria-labelledby="no-keys">
      <h2 id="no-keys">No active keys</h2>
      {props.canWrite ? (
        <p>
          Create a key for each service or CI job that calls your API. Its secret is shown once, with the
          commands to get a token.
        </p>
      ) : (
        <p>Ask an admin of this organisation to create one.</p>
      )}
      <p>
        <a href={`${props.base}/keys?status=all`}>Show revoked and expired keys</a>
      </p>
    </section>
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
}) {
  const base = `/console/orgs/${props.chrome.org?.slug}`;
  const csrf = props.chrome.csrf ?? '';
  const f = props.filters;
  const filtered = f.q !== '' || f.status !== 'active' || f.hideRevoked;
  const create = props.canWrite ? (
    <form method="get" action={`${base}/keys/new`} class="inline">
      <button type="submit" class="primary" data-dialog="create-key" aria-haspopup="dialog">
        Create key
      </button>
    </form>
  ) : null;
  return (
    <Layout chrome={props.chrome} title="API keys" actions={create}>
      {props.flash ? <Alert kind="ok">{props.flash}</Alert> : null}
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <form method="get" action={`${base}/keys`} class="filter-bar" aria-label="Filter keys">
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
        <div>
          <label for="filter-q">Search keys</label>
          <input id="filter-q" type="search" name="q" value={f.q} placeholder="Name" />
        </div>
        <label class="check" for="filter-hide-revoked">
          <input
            id="filter-hide-revoked"
            type="checkbox"
            name="hideRevoked"
            value="1"
            checked={f.hideRevoked}
          />
          Hide revoked
        </label>
        <button type="submit">Filter</button>
      </form>
      {props.canWrite ? <CreateKeyDialog csrf={csrf} base={base} catalog={props.catalog} /> : null}
      {props.keys.length > 0 ? (
        <KeysTable keys={props.keys} base={base} canWrite={props.canWrite} csrf={csrf} />
      ) : (
        <EmptyState filtered={filtered} base={base} canWrite={props.canWrite} />
      )}
      {props.nextCursor ? (
        <nav class="pager" aria-label="More keys">
          <span />
          <a
            href={`${base}/keys?${new URLSearchParams({ status: f.status, q: f.q, ...(f.hideRevoked ? { hideRevoked: '1' } : {}), cursor: props.nextCursor })}`}
          >
            More keys
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}
