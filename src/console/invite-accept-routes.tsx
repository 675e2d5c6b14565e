/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { requestMeta } from '../audit/request-meta';
import { findInvite, INVITE_SPENT, joinByInvite, type OpenInvite } from '../auth/invites';
import { createSession, endSession } from '../auth/sessions';
import { signIn } from '../auth/sign-in';
import { validPassword } from '../auth/users';
import { DomainError } from '../lib/domain-error';
import type { DomainErrorStatus } from '../lib/domain-error-status';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { consoleRefusal, type Form, str } from './form-fields';
import { loginCsrf, startSession } from './login-csrf';
import type { ChromeFor } from './page-chrome';
import { InvitePage } from './pages/invite-page';
import { MessagePage } from './pages/simple-pages';

/**
 * The page an invite link opens, public like sign-in: the link is the credential. A new
 * person sets a password; someone with an account signs in with it (throttled as any
 * sign-in); either way they join with the invite's role and land in the organisation.
 */
export function registerInviteAcceptRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  const gone = async (c: ConsoleContext) =>
    c.html(
      <MessagePage
        chrome={await chrome(c)}
        title="Invite"
        message="This invite link was used, revoked or has expired. Ask an admin of the organisation for a new one."
      />,
      404,
    );

  const page = async (
    c: ConsoleContext,
    open: OpenInvite,
    refusal?: { detail: string; status: DomainErrorStatus; headers?: Record<string, string> },
  ) =>
    c.html(
      <InvitePage
        chrome={await chrome(c)}
        token={c.req.param('token') ?? ''}
        csrf={loginCsrf(c)}
        invite={{
          orgName: open.org.name,
          email: open.invite.email,
          role: open.invite.role,
          expiresAt: open.invite.expiresAt,
        }}
        hasAccount={open.account !== undefined}
        error={refusal?.detail}
      />,
      refusal?.status ?? 200,
      refusal?.headers,
    );

  app.get('/console/invites/:token', async (c) => {
    const open = await findInvite(c.var.deps.db, c.req.param('token'), c.var.deps.clock.now());
    return open ? page(c, open) : gone(c);
  });

  app.post('/console/invites/:token', async (c) => {
    const deps = c.var.deps;
    const token = c.req.param('token');
    const now = deps.clock.now();
    const form = (await c.req.parseBody({ all: true })) as Form;
    const open = await findInvite(deps.db, token, now);
    if (!open) return gone(c);
    if (str(form, '_csrf') !== loginCsrf(c))
      return page(c, open, { detail: 'The form expired; try again.', status: 403 });
    const meta = requestMeta(c);
    const password = str(form, 'password');
    let session: { token: string } | undefined;
    try {
      if (open.account) {
        // The account's own password, checked and throttled as any sign-in.
        session = (await signIn(deps, open.invite.email, password, meta)).session;
        await joinByInvite(deps.db, now, token, { user: open.account }, meta);
      } else {
        const hash = await deps.passwordHasher.hash(validPassword(password));
        const { user } = await joinByInvite(deps.db, now, token, { passwordHash: hash }, meta);
        session = await createSession(deps.db, user.id, now, meta);
      }
      startSession(c, session.token);
      return c.redirect(`/console/orgs/${open.org.slug}/keys`, 303);
    } catch (e) {
      if (session && open.account) await endSession(deps.db, session.token);
      if (e instanceof DomainError && e.detail === INVITE_SPENT) return gone(c);
      return page(c, open, consoleRefusal(e));
    }
  });
}
