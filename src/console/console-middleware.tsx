/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { findSession, SESSION_COOKIE } from '../auth/sessions';
import { type MemberOrg, orgsOfUser } from '../auth/sign-in';
import { randomBase62 } from '../lib/base62';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { type Form, str } from './form-fields';
import type { Chrome } from './layout';
import type { ChromeFor } from './page-chrome';
import { MessagePage } from './pages/simple-pages';

const PUBLIC = new Set(['/console/sign-in', '/console/assets/console.css', '/console/assets/console.js']);

/** Every page: a fresh nonce, a CSP without inline script, no framing, no caching. */
export function registerPageHeaders(app: Hono<ConsoleEnv>): void {
  app.use('*', async (c, next) => {
    const nonce = randomBase62(22);
    c.set('nonce', nonce);
    await next();
    c.header(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'`,
    );
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
    if (!c.req.path.startsWith('/console/assets/')) c.header('Cache-Control', 'no-store');
  });
}

/**
 * Everything but the public pages needs a session; unsafe methods also its CSRF token.
 * Sets `viewer`. Routes registered before this run without it.
 */
export function registerSessionGuard(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  app.use('/console/*', async (c, next) => {
    if (PUBLIC.has(c.req.path) || c.req.path.startsWith('/console/setup/')) return next();
    const deps = c.var.deps;
    const token = getCookie(c, SESSION_COOKIE);
    const found = token ? await findSession(deps.db, token, deps.clock.now()) : null;
    if (!found)
      return c.req.method === 'GET' ? c.redirect('/console/sign-in', 303) : c.text('sign in first', 401);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      // Parsed with all: true once; hono caches it for the handler.
      const form = (await c.req.parseBody({ all: true })) as Form;
      const sent = str(form, '_csrf') || c.req.header('x-csrf-token');
      if (sent !== found.session.csrfToken) {
        return c.html(
          <MessagePage
            chrome={await chrome(c)}
            title="Not allowed"
            message="The form’s CSRF token is missing or stale; reload the page and try again."
          />,
          403,
        );
      }
    }
    c.set('viewer', { ...found, orgs: await orgsOfUser(deps.db, found.user.id) });
    return next();
  });
}

/** Organisation pages: membership decides; admins write, viewers only read. */
export function registerOrgGuard(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  app.use('/console/orgs/:org/*', async (c, next) => {
    const org = c.var.viewer.orgs.find((o) => o.slug === c.req.param('org'));
    if (!org)
      return c.html(
        <MessagePage chrome={await chrome(c)} title="Not found" message="No such organisation." />,
        404,
      );
    // The connection tests change nothing, so viewers may run them too.
    const isTest = c.req.path.endsWith('/integrate/test') || c.req.path.endsWith('/integrate/mcp-test');
    if (c.req.method === 'POST' && !isTest) {
      const refused = await refuseViewer(c, chrome);
      if (refused) return refused;
    }
    return next();
  });
}

/**
 * The refusal a viewer gets, from the guard for any post and from the pages that only
 * lead to a change (forms, confirmations); undefined for an admin.
 */
export const refuseViewer = async (c: ConsoleContext, chrome: ChromeFor, active?: Chrome['active']) =>
  orgOf(c).role === 'admin'
    ? undefined
    : c.html(
        <MessagePage
          chrome={await chrome(c, orgOf(c), active)}
          title="Not allowed"
          message="Viewers cannot change anything here."
        />,
        403,
      );

/** The request's organisation; only behind the org guard, which has checked it exists. */
export const orgOf = (c: ConsoleContext) =>
  c.var.viewer.orgs.find((o) => o.slug === c.req.param('org')) as MemberOrg;
