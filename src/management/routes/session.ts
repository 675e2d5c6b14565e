import { createRoute, z } from '@hono/zod-openapi';
import { getCookie } from 'hono/cookie';
import { requestMeta } from '../../audit/request-meta';
import { clearSessionCookie, setSessionCookie } from '../../auth/session-cookie';
import { endSession, SESSION_COOKIE } from '../../auth/sessions';
import { orgsOfUser, signIn } from '../../auth/sign-in';
import { DomainError } from '../../lib/domain-error';
import type { ApiApp } from '../api-app';
import { authenticateCaller } from '../caller';
import { errorResponses, json, jsonBody } from '../schemas';

const SignInBody = z
  .strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) })
  .openapi('SignIn');

const Session = z
  .object({
    user: z.object({ id: z.string(), email: z.string() }),
    orgs: z.array(
      z.object({ id: z.string(), slug: z.string(), name: z.string(), role: z.enum(['admin', 'viewer']) }),
    ),
    csrfToken: z.string().openapi({ description: 'send back as X-CSRF-Token on unsafe requests' }),
    expiresAt: z.string().nullable(),
  })
  .openapi('Session');

const signInRoute = createRoute({
  method: 'post',
  path: '/session',
  summary: 'Sign in with email and password; sets the HttpOnly, SameSite=Strict session cookie',
  tags: ['session'],
  request: jsonBody(SignInBody),
  responses: {
    200: json(Session, 'signed in'),
    400: errorResponses[400],
    401: errorResponses[401],
    429: { description: 'rate-limited: too many failed sign-ins' },
  },
});

const current = createRoute({
  method: 'get',
  path: '/session',
  summary: 'The signed-in user, their organisations and the CSRF token',
  tags: ['session'],
  middleware: [authenticateCaller] as const,
  responses: { 200: json(Session, 'the session'), 401: errorResponses[401] },
});

const signOut = createRoute({
  method: 'delete',
  path: '/session',
  summary: 'Sign out (needs X-CSRF-Token)',
  tags: ['session'],
  middleware: [authenticateCaller] as const,
  responses: { 204: { description: 'signed out' }, 401: errorResponses[401], 403: errorResponses[403] },
});

export const mountSessionRoutes = (app: ApiApp) =>
  app
    .openapi(signInRoute, async (c) => {
      const deps = c.var.deps;
      const { email, password } = c.req.valid('json');
      const { user, session, orgs: memberOf } = await signIn(deps, email, password, requestMeta(c));
      setSessionCookie(c, session.token, deps.config.issuerUrl);
      return c.json(
        {
          user: { id: user.id, email: user.email },
          orgs: memberOf,
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
        },
        200,
        { 'Cache-Control': 'no-store' },
      );
    })
    .openapi(current, async (c) => {
      const caller = c.var.caller;
      if (caller.kind !== 'user') throw new DomainError('unauthorized', 'this route is for console sessions');
      return c.json(
        {
          user: { id: caller.user.id, email: caller.user.email },
          orgs: await orgsOfUser(c.var.deps.db, caller.user.id),
          csrfToken: caller.session.csrfToken,
          expiresAt: caller.session.expiresAt.toISOString(),
        },
        200,
        { 'Cache-Control': 'no-store' },
      );
    })
    .openapi(signOut, async (c) => {
      const token = getCookie(c, SESSION_COOKIE);
      if (c.var.caller.kind !== 'user' || !token)
        throw new DomainError('unauthorized', 'this route is for console sessions');
      await endSession(c.var.deps.db, token);
      clearSessionCookie(c);
      return c.body(null, 204);
    });
