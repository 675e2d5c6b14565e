/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { NAME_MAX } from '../../lib/display-name';
import { Alert, type Chrome, Csrf, Layout } from '../layout';
import { KeyLimitFields } from './key-limit-fields';

export interface CreateForm {
  error?: string | undefined;
  values?: Record<string, string | string[]> | undefined;
}

const EXPIRIES = [
  ['30d', '30 days'],
  ['60d', '60 days'],
  ['90d', '90 days'],
  ['180d', '180 days'],
  ['1y', '1 year'],
  ['never', 'No expiration'],
  ['date', 'On a date…'],
] as const;

/** The create form, the same in the dialog and on its own page. */
function CreateKeyFields(props: {
  csrf: string;
  action: string;
  catalog: readonly string[];
  form: CreateForm;
  inDialog: boolean;
  cancel: Child;
}) {
  const v = props.form.values ?? {};
  const chosen = Array.isArray(v.scopes) ? v.scopes : v.scopes ? [v.scopes] : undefined;
  const checked = (s: string) => (chosen ? chosen.includes(s) : s.startsWith('read:'));
  return (
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <label for="key-name">Name</label>
      <input
        id="key-name"
        name="name"
        type="text"
        required
        maxlength={NAME_MAX}
        autocomplete="off"
        autofocus={props.inDialog}
        aria-describedby="key-name-help"
        value={String(v.name ?? '')}
      />
      <p id="key-name-help" class="help">
        For people: what calls with it, e.g. “ci-nightly”.
      </p>
      <fieldset>
        <legend>Scopes</legend>
        <div class="checks">
          {props.catalog.map((s) => (
            <label class="check">
              <input type="checkbox" name="scopes" value={s} checked={checked(s)} />
              <span class="mono">{s}</span>
            </label>
          ))}
        </div>
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
      <KeyLimitFields
        prefix="key"
        cidrs={String(v.allowedCidrs ?? '')}
        cidrsHelp="One range per line, e.g. 203.0.113.0/24; empty allows any address."
        ttl={String(v.tokenTtlSeconds ?? '')}
      />
      <div class="dialog-actions">
        {props.cancel}
        <button type="submit" class="primary">
          Create
        </button>
      </div>
    </form>
  );
}

/** The create dialog on the keys page, opened by the "Create key" button (script only). */
export function CreateKeyDialog(props: { csrf: string; base: string; catalog: readonly string[] }) {
  return (
    <dialog id="create-key" aria-labelledby="create-key-title">
      <h2 id="create-key-title">Create key</h2>
      <CreateKeyFields
        csrf={props.csrf}
        action={`${props.base}/keys`}
        catalog={props.catalog}
        form={{}}
        inDialog
        cancel={
          <button type="button" data-close>
            Cancel
          </button>
        }
      />
    </dialog>
  );
}

/** The same form as a page: without script, and when the server refused what was typed. */
export function CreateKeyPage(props: { chrome: Chrome; catalog: readonly string[]; form: CreateForm }) {
  const base = `/console/orgs/${props.chrome.org?.slug}`;
  return (
    <Layout
      chrome={props.chrome}
      title="Create key"
      back={{ href: `${base}/keys`, label: 'API keys' }}
      narrow
    >
      {props.form.error ? <Alert kind="error">{props.form.error}</Alert> : null}
      <div class="card">
        <CreateKeyFields
          csrf={props.chrome.csrf ?? ''}
          action={`${base}/keys`}
          catalog={props.catalog}
          form={props.form}
          inDialog={false}
          cancel={
            <a class="button" href={`${base}/keys`}>
              Cancel
            </a>
          }
        />
      </div>
    </Layout>
  );
}
