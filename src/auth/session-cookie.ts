import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { SESSION_COOKIE, SESSION_TTL_SECONDS } from './sessions';

/**
 * The console session cookie, for the API's sign-in and the console's alike: HttpOnly,
 * SameSite=Strict, Secure when the issuer is served over https.
 */
export function setSessionCookie(c: Context, token: string, issuerUrl: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: issuerUrl.startsWith('https://'),
    path: '/',
    maxAge: SESSION_TTL_SECONDS,
  });
}

export const clearSessionCookie = (c: Context): void => {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
};
