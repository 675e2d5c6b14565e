/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { requestMeta } from '../audit/request-meta';
import { completeSetup, type SetupChoice, SPENT_LINK } from '../auth/first-admin';
import { orgsWithoutMembers } from '../auth/members';
import { createSession, endSession } from '../auth/sessions';
import { signIn } from '../auth/sign-in';
import { DomainError } from '../lib/domain-error';
import type { DomainErrorStatus } from '../lib/domain-error-status';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { consoleRefusal, type Form, str } from './form-fields';
import { loginCsrf, startSession } from './login-csrf';
import type { ChromeFor } from './page-chrome';
import { type OrgChoice, SetupPage, type SetupView } from './pages/setup-page';
import { MessagePage } from './pages/simple-pages';

/**
 * The one-time set-up link: the first admin claims an organisation nobody belongs to
 * yet (one made with the CLI), or creates a new one. Public: the link is the credential.
 */
export function registerSetupRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  const usedUp = async (c: ConsoleContext) =>
    c.html(
      <MessagePage
        chrome={await chrome(c)}
        title="Set up keymint"
        message="This set-up link is used up or expired. keymint prints a new one each time it starts with no user yet; once someone can sign in, ask an admin of your organisation for an invite."
      />,
      404,
    );

  /** Which form to show: `org` names an organisation to claim, `new` asks for the create form. */
  const viewFor = async (c: ConsoleContext, wanted: { org?: string | undefined; create?: boolean }) => {
    const claimable: OrgChoice[] = (await orgsWithoutMembers(c.var.deps.db)).map((o) => ({
      slug: o.slug,
      name: o.name,
    }));
    const org = wanted.org ? claimable.find((o) => o.slug === wanted.org) : undefined;
    const view: SetupView = org
      ? { mode: 'claim', org }
      : wanted.create || claimable.length === 0
        ? { mode: 'create', claimable }
        : { mode: 'choose', claimable };
    const lost =
      wanted.org && !org
        ? `“${wanted.org}” cannot be claimed: no organisation by that slug is without members.`
        : undefined;
    return { view, lost };
  };

  app.get('/console/setup/:token', async (c) => {
    const token = c.req.param('token');
    const until = await c.var.deps.setupLink.validUntil(token, c.var.deps.clock.now());
    if (!until) return usedUp(c);
    const { view, lost } = await viewFor(c, {
      org: c.req.query('org'),
      create: c.req.query('new') !== undefined,
    });
    return c.html(
      <SetupPage
        chrome={await chrome(c)}
        token={token}
        csrf={loginCsrf(c)}
        view={view}
        until={until}
        error={lost}
      />,
      lost ? 404 : 200,
    );
  });

  app.post('/console/setup/:token', async (c) => {
    const deps = c.var.deps;
    const token = c.req.param('token');
    const now = deps.clock.now();
    const form = (await c.req.parseBody({ all: true })) as Form;
    const csrf = loginCsrf(c);
    const until = await deps.setupLink.validUntil(token, now);
    if (!until) return usedUp(c);
    const claim = str(form, 'org');
    const choice: SetupChoice = claim
      ? { claim }
      : { create: { slug: str(form, 'slug'), name: str(form, 'orgName') } };
    const again = async (error: string, status: DomainErrorStatus) => {
      const { view } = await viewFor(c, claim ? { org: claim } : { create: true });
      return c.html(
        <SetupPage
          chrome={await chrome(c)}
          token={token}
          csrf={csrf}
          view={view}
          until={until}
          error={error}
          values={{ orgName: str(form, 'orgName'), slug: str(form, 'slug'), email: str(form, 'email') }}
        />,
        status,
      );
    };
    if (str(form, '_csrf') !== csrf) return again('The form expired; try again.', 403);
    const meta = requestMeta(c);
    // An existing account signs in (and gets its session) before it becomes admin.
    let session: { token: string } | undefined;
    try {
      const { user, org } = await completeSetup(
        {
          db: deps.db,
          hasher: deps.passwordHasher,
          now,
          spend: (tx) => deps.setupLink.spend(tx, token, now),
          signIn: async (email, password) => {
            const done = await signIn(deps, email, password, meta);
            session = done.session;
            return done.user;
          },
          meta,
        },
        { email: str(form, 'email'), password: str(form, 'password'), choice },
      );
      session ??= await createSession(deps.db, user.id, now, meta);
      startSession(c, session.token);
      return c.redirect(`/console/orgs/${org.slug}/keys`, 303);
    } catch (e) {
      if (session) await endSession(deps.db, session.token);
      if (e instanceof DomainError && e.detail === SPENT_LINK) return usedUp(c);
      const refusal = consoleRefusal(e);
      return again(refusal.detail, refusal.status);
    }
  });
}
