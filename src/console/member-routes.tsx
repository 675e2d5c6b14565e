/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { requestMeta } from '../audit/request-meta';
import { createInvite, pendingInvites, revokeInvite } from '../auth/invites';
import { orgMembers } from '../auth/members';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf } from './console-middleware';
import { consoleRefusal, type Form, str } from './form-fields';
import { InviteReveals } from './invite-reveals';
import type { ChromeFor } from './page-chrome';
import { MembersPage } from './pages/members-page';

/** The only messages the members page shows after an action: chosen here, never taken from the URL. */
const NOTICES: Record<string, string> = {
  revoked: 'Invite revoked: its link no longer works.',
};

/**
 * An organisation's people and invites. Behind the org guard, which already refuses
 * viewers' posts: viewers see the page, only admins invite and revoke.
 */
export function registerMemberRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  const reveals = new InviteReveals();
  const actor = (c: ConsoleContext) => ({
    type: 'user' as const,
    id: c.var.viewer.user.id,
    label: c.var.viewer.user.email,
  });

  const render = async (
    c: ConsoleContext,
    o: {
      revealed?: ReturnType<InviteReveals['take']>;
      notice?: string | undefined;
      error?: string;
      values?: { email: string; role: string };
      status?: 200 | 400 | 403 | 404 | 409 | 429 | 503;
    } = {},
  ) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    return c.html(
      <MembersPage
        chrome={await chrome(c, org, 'members')}
        members={await orgMembers(deps.db, org.id)}
        invites={await pendingInvites(deps.db, org.id, deps.clock.now())}
        revealed={o.revealed}
        notice={o.notice}
        error={o.error}
        {...(o.values ? { values: o.values } : {})}
      />,
      o.status ?? 200,
    );
  };

  app.get('/console/orgs/:org/members', (c) => {
    const id = c.req.query('invite');
    const revealed = id
      ? reveals.take(id, c.var.viewer.session.idDigest, c.var.deps.clock.now().getTime())
      : undefined;
    // Only a link made for this organisation shows here.
    const mine = revealed && revealed.orgSlug === orgOf(c).slug ? revealed : undefined;
    return render(c, { revealed: mine, notice: NOTICES[c.req.query('done') ?? ''] });
  });

  app.post('/console/orgs/:org/members/invite', async (c) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    const form = (await c.req.parseBody({ all: true })) as Form;
    const values = { email: str(form, 'email'), role: str(form, 'role') };
    try {
      const now = deps.clock.now();
      const { invite, token } = await createInvite(
        deps.db,
        now,
        actor(c),
        { orgId: org.id, ...values },
        requestMeta(c),
      );
      const id = reveals.put(
        c.var.viewer.session.idDigest,
        {
          orgSlug: org.slug,
          email: invite.email,
          role: invite.role,
          url: `${deps.config.issuerUrl}/console/invites/${token}`,
          expiresAt: invite.expiresAt,
        },
        now.getTime(),
      );
      return c.redirect(`/console/orgs/${org.slug}/members?invite=${id}`, 303);
    } catch (e) {
      const refusal = consoleRefusal(e);
      return render(c, { error: refusal.detail, values, status: refusal.status as 400 | 409 });
    }
  });

  app.post('/console/orgs/:org/members/invites/:id/revoke', async (c) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    try {
      await revokeInvite(deps.db, deps.clock.now(), actor(c), org.id, c.req.param('id'), requestMeta(c));
      return c.redirect(`/console/orgs/${org.slug}/members?done=revoked`, 303);
    } catch (e) {
      const refusal = consoleRefusal(e);
      return render(c, { error: refusal.detail, status: refusal.status as 404 });
    }
  });
}
