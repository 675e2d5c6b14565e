import { createRoute, z } from '@hono/zod-openapi';
import { inArray } from 'drizzle-orm';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { orgs } from '../db/schema/index';
import type { ApiApp } from '../management/api-app';
import { ApiError } from '../management/api-error';
import { authenticateCaller, requestMeta } from '../management/caller';
import { errorResponses, json, jsonBody } from '../management/schemas';
import { createSession, endSession, SESSION_COOKIE, SESSION_TTL_SECONDS } from './sessions';
import { authenticateUser, membershipsOf } from './users';

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

const signIn = createRoute({
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

async function orgsOf(db: Db, userId: string) {
  const ms = await membershipsOf(db, userId);
  if (ms.length === 0) return [];
  const rows = await db
    .select()
    .from(orgs)
    .where(
      inArray(
        orgs.id,
        ms.map((m) => m.orgId),
      ),
    );
  return rows.map((o) => ({
    id: o.id,
    slug: o.slug,
    name: o.name,
    role: ms.find((m) => m.orgId === o.id)?.role ?? 'viewer',
  }));
}

export const mountSessionRoutes = (app: ApiApp) =>
  app
    .openapi(signIn, async (c) => {
      const deps = c.var.deps;
      const now = deps.clock.now();
      const meta = requestMeta(c);
      const { email, password } = c.req.valid('json');
      const emailKey = email.trim().toLowerCase();
      const ipKey = meta.ip ?? 'unknown';
      const wait = Math.max(
        deps.signInThrottle.byIp.retryAfter(ipKey, now.getTime()),
        deps.signInThrottle.byEmail.retryAfter(emailKey, now.getTime()),
      );
      if (wait > 0) {
        throw new ApiError('rate-limited', `too many failed sign-ins; retry after ${wait} s`, [], {
          'Retry-After': String(wait),
        });
      }
      const { user, known } = await authenticateUser(deps.db, deps.passwordHasher, email, password);
      const memberOf = known ? await orgsOf(deps.db, known.id) : [];
      if (!user) {
        deps.signInThrottle.byIp.fail(ipKey, now.getTime());
        deps.signInThrottle.byEmail.fail(emailKey, now.getTime());
        for (const o of memberOf) {
          await recordAudit(deps.db, now, {
            orgId: o.id,
            action: 'user.sign_in_failed',
            actor: { type: 'user', id: (known as { id: string }).id, label: emailKey },
            target: { type: 'user', id: (known as { id: string }).id },
            meta,
            details: { email: emailKey },
          });
        }
        throw new ApiError('unauthorized', 'wrong email or password');
      }
      const session = await createSession(deps.db, user.id, now, meta);
      for (const o of memberOf) {
        await recordAudit(deps.db, now, {
          orgId: o.id,
          action: 'user.signed_in',
          actor: { type: 'user', id: user.id, label: user.email },
          target: { type: 'user', id: user.id },
          meta,
          details: { email: user.email },
        });
      }
      setCookie(c, SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: deps.config.issuerUrl.startsWith('https://'),
        path: '/',
        maxAge: SESSION_TTL_SECONDS,
      });
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
      if (caller.kind !== 'user') throw new ApiError('unauthorized', 'this route is for console sessions');
      return c.json(
        {
          user: { id: caller.user.id, email: caller.user.email },
          orgs: await orgsOf(c.var.deps.db, caller.user.id),
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
        throw new ApiError('unauthorized', 'this route is for console sessions');
      await endSession(c.var.deps.db, token);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    });
