/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { requestMeta } from '../audit/request-meta';
import { hasUsers } from '../auth/has-users';
import { clearSessionCookie, setSessionCookie } from '../auth/session-cookie';
import { endSession, SESSION_COOKIE } from '../auth/sessions';
import { signIn } from '../auth/sign-in';
import { createUser, validEmail, validPassword } from '../auth/users';
import { randomBase62 } from '../lib/base62';
import { DomainError } from '../lib/domain-error';
import { createOrg } from '../orgs/create-org';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { consoleRefusal, errorDetail, type Form, str } from './form-fields';
import type { ChromeFor } from './page-chrome';
import { MessagePage, SetupPage, SignInPage } from './pages/simple-pages';

const LOGIN_CSRF_COOKIE = 'keymint_login_csrf';

const secure = (c: ConsoleContext) => c.var.deps.config.issuerUrl.startsWith('https://');
const loginCsrf = (c: ConsoleContext) => {
  let token = getCookie(c, LOGIN_CSRF_COOKIE);
  if (!token || !/^[0-9A-Za-z]{32}$/.test(token)) {
    token = randomBase62(32);
    setCookie(c, LOGIN_CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secure(c),
      path: '/console',
    });
  }
  return token;
};
const startSession = (c: ConsoleContext, token: string) =>
  setSessionCookie(c, token, c.var.deps.config.issuerUrl);

/**
 * The public pages that start a session: sign-in and the one-time set-up link. Their
 * forms carry a login CSRF token from a cookie, as there is no session yet to hold one.
 */
export function registerSignInRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  app.get('/console/sign-in', async (c) =>
    c.html(<SignInPage chrome={await chrome(c)} csrf={loginCsrf(c)} />),
  );

  app.post('/console/sign-in', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const csrf = loginCsrf(c);
    const email = str(form, 'email');
    if (str(form, '_csrf') !== csrf) {
      return c.html(
        <SignInPage
          chrome={await chrome(c)}
          csrf={csrf}
          email={email}
          error="The form expired; please sign in again."
        />,
        403,
      );
    }
    try {
      const { session } = await signIn(c.var.deps, email, str(form, 'password'), requestMeta(c));
      startSession(c, session.token);
      return c.redirect('/console', 303);
    } catch (e) {
      const refusal = consoleRefusal(e);
      const page = <SignInPage chrome={await chrome(c)} csrf={csrf} email={email} error={refusal.detail} />;
      return c.html(page, refusal.status, refusal.headers);
    }
  });

  const usedUp = async (c: ConsoleContext) =>
    c.html(
      <MessagePage
        chrome={await chrome(c)}
        title="Set up keymint"
        message="This set-up link is used up or expired."
      />,
      404,
    );

  app.get('/console/setup/:token', async (c) => {
    const ok = await c.var.deps.setupLink.valid(c.req.param('token'), c.var.deps.clock.now());
    if (!ok) return usedUp(c);
    return c.html(<SetupPage chrome={await chrome(c)} token={c.req.param('token')} csrf={loginCsrf(c)} />);
  });

  app.post('/console/setup/:token', async (c) => {
    const deps = c.var.deps;
    const token = c.req.param('token');
    const form = (await c.req.parseBody({ all: true })) as Form;
    const csrf = loginCsrf(c);
    if (str(form, '_csrf') !== csrf)
      return c.html(
        <SetupPage chrome={await chrome(c)} token={token} csrf={csrf} error="The form expired; try again." />,
        403,
      );
    const release = await deps.setupLink.consume(token, deps.clock.now());
    if (!release) return usedUp(c);
    try {
      const now = deps.clock.now();
      if (await hasUsers(deps.db))
        throw new DomainError('conflict', 'keymint already has users; sign in instead');
      // The account's fields are checked before the org exists, so a refused password
      // leaves no organisation behind to block the next try's slug.
      validEmail(str(form, 'email'));
      validPassword(str(form, 'password'));
      const actor = { type: 'system' as const, id: 'setup link', label: 'setup' };
      const org = await createOrg(deps.db, now, actor, {
        slug: str(form, 'slug'),
        name: str(form, 'orgName'),
      });
      const { user } = await createUser(deps.db, deps.passwordHasher, now, actor, {
        email: str(form, 'email'),
        password: str(form, 'password'),
        orgId: org.id,
        role: 'admin',
      });
      const { session } = await signIn(deps, user.email, str(form, 'password'), requestMeta(c));
      startSession(c, session.token);
      return c.redirect(`/console/orgs/${org.slug}/keys`, 303);
    } catch (e) {
      release();
      return c.html(
        <SetupPage
          chrome={await chrome(c)}
          token={token}
          csrf={csrf}
          error={errorDetail(e)}
          values={{ orgName: str(form, 'orgName'), slug: str(form, 'slug'), email: str(form, 'email') }}
        />,
        400,
      );
    }
  });
}

/** The landing redirect, the organisation switcher and sign-out: behind the session guard. */
export function registerSignedInRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  app.get('/console', async (c) => {
    const first = c.var.viewer.orgs[0];
    if (!first)
      return c.html(
        <MessagePage
          chrome={await chrome(c)}
          title="No organisation"
          message="You are not a member of any organisation yet."
        />,
      );
    return c.redirect(`/console/orgs/${first.slug}/keys`, 303);
  });
  app.get('/console/switch', (c) =>
    c.redirect(`/console/orgs/${encodeURIComponent(c.req.query('org') ?? '')}/keys`, 303),
  );
  app.post('/console/sign-out', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await endSession(c.var.deps.db, token);
    clearSessionCookie(c);
    return c.redirect('/console/sign-in', 303);
  });
}
