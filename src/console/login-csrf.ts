import { getCookie, setCookie } from 'hono/cookie';
import { setSessionCookie } from '../auth/session-cookie';
import { randomBase62 } from '../lib/base62';
import type { ConsoleContext } from './console-env';

const LOGIN_CSRF_COOKIE = 'keymint_login_csrf';

/**
 * The CSRF token of the pages that start a session (sign-in, set-up and invite links):
 * there is no session yet to hold one, so it lives in its own cookie.
 */
export const loginCsrf = (c: ConsoleContext): string => {
  let token = getCookie(c, LOGIN_CSRF_COOKIE);
  if (!token || !/^[0-9A-Za-z]{32}$/.test(token)) {
    token = randomBase62(32);
    setCookie(c, LOGIN_CSRF_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: c.var.deps.config.issuerUrl.startsWith('https://'),
      path: '/console',
    });
  }
  return token;
};

export const startSession = (c: ConsoleContext, token: string): void =>
  setSessionCookie(c, token, c.var.deps.config.issuerUrl);
