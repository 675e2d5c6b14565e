/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import { MIN_PASSWORD } from '../../auth/users';
import { NAME_MAX } from '../../lib/display-name';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';

export interface OrgChoice {
  slug: string;
  name: string;
}

/** What the set-up page shows: the organisations to claim, one claim form, or the create form. */
export type SetupView =
  | { mode: 'choose'; claimable: OrgChoice[] }
  | { mode: 'claim'; org: OrgChoice }
  | { mode: 'create'; claimable: OrgChoice[] };

/** The account fields both forms share. */
function Account(props: { email: string; children?: Child }) {
  return (
    <>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" required autocomplete="username" value={props.email} />
      <label for="password">Password</label>
      <input
        id="password"
        name="password"
        type="password"
        required
        minlength={MIN_PASSWORD}
        autocomplete="new-password"
        aria-describedby="password-help"
      />
      <p id="password-help" class="help">
        At least {MIN_PASSWORD} characters. If this email already has a keymint account, enter its password.
      </p>
      {props.children}
    </>
  );
}

export function SetupPage(props: {
  chrome: Chrome;
  token: string;
  csrf: string;
  view: SetupView;
  /** When the link stops working. */
  until: Date;
  error?: string | undefined;
  /** What was typed before an error, so nothing is lost (never the password). */
  values?: { orgName: string; slug: string; email: string };
}) {
  const v = props.values;
  const base = `/console/setup/${props.token}`;
  const view = props.view;
  const expiry = (
    <p class="help">
      This link works once, until {when(props.until.toISOString())}. Whoever holds it can set up an admin, so
      do not share it.
    </p>
  );
  if (view.mode === 'choose') {
    return (
      <Layout chrome={props.chrome} title="Set up keymint" narrow>
        {props.error ? <Alert kind="error">{props.error}</Alert> : null}
        <p>
          Nobody can sign in yet. Become the first admin of an organisation that already exists, or create a
          new one.
        </p>
        <h2 class="setup-section">Organisations without members</h2>
        <p class="muted small">
          These exist (made with the CLI, for example) and nobody belongs to them yet.
        </p>
        <ul class="setup-orgs">
          {view.claimable.map((o) => (
            <li class="card">
              <span>
                <strong>{o.name}</strong> <span class="muted mono">{o.slug}</span>
              </span>
              <a class="button primary" href={`${base}?org=${encodeURIComponent(o.slug)}`}>
                Claim {o.name}
              </a>
            </li>
          ))}
        </ul>
        <h2 class="setup-section">A new organisation</h2>
        <p>
          <a class="button" href={`${base}?new=1`}>
            Create a new organisation
          </a>
        </p>
        {expiry}
      </Layout>
    );
  }
  if (view.mode === 'claim') {
    return (
      <Layout
        chrome={props.chrome}
        title={`Claim ${view.org.name}`}
        narrow
        back={{ href: base, label: 'Other choices' }}
      >
        {props.error ? <Alert kind="error">{props.error}</Alert> : null}
        <p>
          The organisation <strong>{view.org.name}</strong> (<span class="mono">{view.org.slug}</span>) exists
          and has no members yet. Create your account as its first admin; you can invite others from the
          console afterwards.
        </p>
        <form method="post" action={base}>
          <Csrf token={props.csrf} />
          <input type="hidden" name="org" value={view.org.slug} />
          <Account email={v?.email ?? ''} />
          <div class="actions">
            <button type="submit" class="primary">
              Claim {view.org.name}
            </button>
          </div>
        </form>
        {expiry}
      </Layout>
    );
  }
  return (
    <Layout
      chrome={props.chrome}
      title="Set up keymint"
      narrow
      {...(view.claimable.length
        ? { back: { href: base, label: 'Claim an existing organisation instead' } }
        : {})}
    >
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <p>Create a new organisation and its first admin.</p>
      <form method="post" action={base}>
        <Csrf token={props.csrf} />
        <label for="setup-org-name">Organisation name</label>
        <input
          id="setup-org-name"
          name="orgName"
          type="text"
          required
          maxlength={NAME_MAX}
          value={v?.orgName ?? ''}
        />
        <label for="setup-org-slug">Organisation slug (lower-case letters, digits, hyphens)</label>
        <input id="setup-org-slug" name="slug" type="text" required maxlength={40} value={v?.slug ?? ''} />
        <Account email={v?.email ?? ''} />
        <div class="actions">
          <button type="submit" class="primary">
            Create account
          </button>
        </div>
      </form>
      {expiry}
    </Layout>
  );
}
