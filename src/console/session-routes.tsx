/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { requestMeta } from '../audit/request-meta';
import { clearSessionCookie } from '../auth/session-cookie';
import { endSession, SESSION_COOKIE } from '../auth/sessions';
import { signIn } from '../auth/sign-in';
import type { ConsoleEnv } from './console-env';
import { consoleRefusal, type Form, str } from './form-fields';
import { registerInviteAcceptRoutes } from './invite-accept-routes';
import { loginCsrf, startSession } from './login-csrf';
import type { ChromeFor } from './page-chrome';
import { MessagePage, SignInPage } from './pages/simple-pages';
import { registerSetupRoutes } from './setup-routes';

/**
 * The public pages that start a session: sign-in, the one-time set-up link and invite
 * links. Their forms carry a login CSRF token from a cookie, as there is no session yet.
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

  registerSetupRoutes(app, chrome);
  registerInviteAcceptRoutes(app, chrome);
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
