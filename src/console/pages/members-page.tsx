/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Member } from '../../auth/members';
import type { InviteRow } from '../../db/schema/index';
import { when } from '../format';
import type { PendingInvite } from '../invite-reveals';
import { Alert, type Chrome, Csrf, Layout } from '../layout';

function InviteForm(props: { action: string; csrf: string; values: { email: string; role: string } }) {
  return (
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <label for="invite-email">Email</label>
      <input
        id="invite-email"
        name="email"
        type="email"
        required
        autocomplete="off"
        value={props.values.email}
      />
      <label for="invite-role">Role</label>
      <select id="invite-role" name="role" aria-describedby="invite-role-help">
        <option value="viewer" selected={props.values.role !== 'admin'}>
          Viewer
        </option>
        <option value="admin" selected={props.values.role === 'admin'}>
          Admin
        </option>
      </select>
      <p id="invite-role-help" class="help">
        Viewers see keys, usage and the audit log and change nothing. Admins also create, change and revoke
        keys and invite people.
      </p>
      <div class="actions">
        <button type="submit" class="primary">
          Invite
        </button>
      </div>
      <p class="help">
        keymint sends no email: you get a link to pass on. It works once, for 7 days, for this address only.
      </p>
    </form>
  );
}

function Reveal(props: { invite: PendingInvite }) {
  const i = props.invite;
  return (
    <section class="card invite-reveal" aria-labelledby="invite-reveal-title">
      <h2 id="invite-reveal-title">Invite link for {i.email}</h2>
      <Alert kind="warn">
        Copy this link now and pass it to {i.email}: it is shown only this once. It works once, as {i.role},
        until {when(i.expiresAt.toISOString())}.
      </Alert>
      <label for="invite-link">Invite link</label>
      <div class="copy-row">
        <input id="invite-link" type="text" readonly value={i.url} class="secret" />
        <button type="button" data-copy="invite-link">
          Copy
        </button>
      </div>
      <p class="help">Anyone holding the link can join as {i.email}; revoke it below if it goes astray.</p>
    </section>
  );
}

export function MembersPage(props: {
  chrome: Chrome;
  members: Member[];
  invites: InviteRow[];
  /** A link just created, shown this once. */
  revealed?: PendingInvite | undefined;
  /** A message from the server's own fixed set. */
  notice?: string | undefined;
  error?: string | undefined;
  values?: { email: string; role: string };
}) {
  const org = props.chrome.org;
  const admin = org?.role === 'admin';
  const base = `/console/orgs/${org?.slug}/members`;
  return (
    <Layout chrome={props.chrome} title="Members">
      {props.notice ? <Alert kind="ok">{props.notice}</Alert> : null}
      {props.revealed ? <Reveal invite={props.revealed} /> : null}
      <div class="cards members-cards">
        <section class="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite someone</h2>
          {props.error ? <Alert kind="error">{props.error}</Alert> : null}
          {admin ? (
            <InviteForm
              action={`${base}/invite`}
              csrf={props.chrome.csrf ?? ''}
              values={props.values ?? { email: '', role: 'viewer' }}
            />
          ) : (
            <p class="muted">Only admins can invite people. Ask one of the admins below.</p>
          )}
        </section>
        <section class="card" aria-labelledby="pending-title">
          <h2 id="pending-title">Pending invites</h2>
          {props.invites.length ? (
            <table class="data-table stack">
              <caption class="visually-hidden">Invites not yet used</caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Expires</th>
                  {admin ? (
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {props.invites.map((i) => (
                  <tr>
                    <td
                      data-label="Email"
                      class="cell-title wrap-cell member-email"
                      title={`Invited by ${i.invitedBy}`}
                    >
                      {i.email}
                    </td>
                    <td data-label="Role">{i.role}</td>
                    <td data-label="Expires">
                      <time datetime={i.expiresAt.toISOString()}>{when(i.expiresAt.toISOString())}</time>
                    </td>
                    {admin ? (
                      <td class="cell-actions">
                        <form method="post" action={`${base}/invites/${i.id}/revoke`} class="inline">
                          <Csrf token={props.chrome.csrf ?? ''} />
                          <button type="submit" class="danger">
                            Revoke<span class="visually-hidden">{` invite for ${i.email}`}</span>
                          </button>
                        </form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">No pending invites.</p>
          )}
        </section>
      </div>
      <h2>People</h2>
      <table class="data-table stack">
        <caption class="visually-hidden">Members of {org?.name ?? 'this organisation'}</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Member since</th>
          </tr>
        </thead>
        <tbody>
          {props.members.map((m) => (
            <tr>
              <td data-label="Email" class="cell-title wrap-cell member-email">
                {m.email}
              </td>
              <td data-label="Role">{m.role}</td>
              <td data-label="Member since">
                <time datetime={m.joinedAt.toISOString()}>{when(m.joinedAt.toISOString())}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}
