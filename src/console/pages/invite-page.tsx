/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { MIN_PASSWORD } from '../../auth/users';
import { when } from '../format';
import { Alert, type Chrome, Csrf, Layout } from '../layout';

/** The page an invite link opens: set a password (or sign in) and join the organisation. */
export function InvitePage(props: {
  chrome: Chrome;
  token: string;
  csrf: string;
  invite: { orgName: string; email: string; role: string; expiresAt: Date };
  /** The invited address already has an account: its password joins, no new one is made. */
  hasAccount: boolean;
  error?: string | undefined;
}) {
  const i = props.invite;
  return (
    <Layout chrome={props.chrome} title={`Join ${i.orgName}`} narrow>
      {props.error ? <Alert kind="error">{props.error}</Alert> : null}
      <p>
        You are invited to join <strong>{i.orgName}</strong> as <strong>{i.role}</strong>
        {i.role === 'viewer'
          ? ' (you will see everything and change nothing)'
          : ' (you will manage its keys)'}
        . The link works once, until {when(i.expiresAt.toISOString())}.
      </p>
      <p>
        {props.hasAccount
          ? `${i.email} already has a keymint account: enter its password to join.`
          : 'Choose a password for your new account.'}
      </p>
      <form method="post" action={`/console/invites/${props.token}`}>
        <Csrf token={props.csrf} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" readonly value={i.email} autocomplete="username" />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autocomplete={props.hasAccount ? 'current-password' : 'new-password'}
          {...(props.hasAccount ? {} : { minlength: MIN_PASSWORD, 'aria-describedby': 'password-help' })}
        />
        {props.hasAccount ? null : (
          <p id="password-help" class="help">
            At least {MIN_PASSWORD} characters.
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary">
            {props.hasAccount ? 'Sign in and join' : 'Create account and join'}
          </button>
        </div>
      </form>
    </Layout>
  );
}
