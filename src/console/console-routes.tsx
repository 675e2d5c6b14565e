/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { count } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createKey } from '../api-keys/create-key';
import { deleteKey } from '../api-keys/delete-key';
import { findKey } from '../api-keys/find-key';
import { toKeyView } from '../api-keys/key-view';
import { listKeys } from '../api-keys/list-keys';
import { revokeKey } from '../api-keys/revoke-key';
import { rotateKey } from '../api-keys/rotate-key';
import { updateKey } from '../api-keys/update-key';
import { listAuditEvents } from '../audit/list-audit';
import { endSession, findSession, SESSION_COOKIE, SESSION_TTL_SECONDS } from '../auth/sessions';
import { type MemberOrg, orgsOfUser, signIn } from '../auth/sign-in';
import { createUser, validEmail, validPassword } from '../auth/users';
import { users } from '../db/schema/index';
import { randomBase62 } from '../lib/base62';
import { DomainError } from '../lib/domain-error';
import { ApiError } from '../management/api-error';
import { requestMeta } from '../management/caller';
import { createOrg } from '../orgs/create-org';
import { queryUsage } from '../usage/query-usage';
import { assetVersion, CONSOLE_CSS, CONSOLE_JS } from './assets';
import type { ConsoleEnv } from './console-env';
import type { Chrome } from './layout';
import { KeyPage } from './pages/key-page';
import { KeysPage } from './pages/keys-page';
import { RevealPage } from './pages/reveal-page';
import {
  AuditPage,
  IntegratePage,
  MessagePage,
  SetupPage,
  SignInPage,
  UsagePage,
} from './pages/simple-pages';
import { RevealStore } from './reveal-store';

// biome-ignore lint/suspicious/noExplicitAny: the helpers serve every console route, whatever its path parameters
type Ctx = Context<ConsoleEnv, any>;

const LOGIN_CSRF_COOKIE = 'keymint_login_csrf';
const PUBLIC = new Set(['/console/sign-in', '/console/assets/console.css', '/console/assets/console.js']);

type Form = Record<string, string | File | (string | File)[]>;
const str = (f: Form, name: string): string => {
  const v = f[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
};
const list = (f: Form, name: string): string[] => {
  const v = f[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  );
};
const lines = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
const message = (e: unknown): string => {
  if (e instanceof DomainError || e instanceof ApiError) return e.detail;
  throw e;
};

/**
 * The console: server-rendered pages over the same services as the API. `selfFetch`
 * sends a request through this very app (the connection test uses the real /token).
 */
export function createConsole(selfFetch: (req: Request) => Promise<Response>): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const reveals = new RevealStore();
  const versions = Promise.all([assetVersion(CONSOLE_CSS), assetVersion(CONSOLE_JS)]);

  // Every page: a fresh nonce, a CSP without inline script, no framing, no caching.
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

  const chrome = async (c: Ctx, org?: MemberOrg, active?: Chrome['active']): Promise<Chrome> => {
    const [css, js] = await versions;
    const v = c.var.viewer as ConsoleEnv['Variables']['viewer'] | undefined;
    return {
      nonce: c.var.nonce,
      assets: { css, js },
      ...(v ? { csrf: v.session.csrfToken, email: v.user.email, orgs: v.orgs } : {}),
      ...(org ? { org } : {}),
      ...(active ? { active } : {}),
    };
  };

  app.get('/console/assets/console.css', (c) =>
    c.body(CONSOLE_CSS, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    }),
  );
  app.get('/console/assets/console.js', (c) =>
    c.body(CONSOLE_JS, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    }),
  );

  const secure = (c: Ctx) => c.var.deps.config.issuerUrl.startsWith('https://');
  const loginCsrf = (c: Ctx) => {
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
  const startSession = (c: Ctx, token: string) =>
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secure(c),
      path: '/',
      maxAge: SESSION_TTL_SECONDS,
    });

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
      const status = e instanceof ApiError ? (e.status as 401 | 429) : 400;
      return c.html(
        <SignInPage chrome={await chrome(c)} csrf={csrf} email={email} error={message(e)} />,
        status,
      );
    }
  });

  app.get('/console/setup/:token', async (c) => {
    const ok = await c.var.deps.setupLink.valid(c.req.param('token'), c.var.deps.clock.now());
    if (!ok)
      return c.html(
        <MessagePage
          chrome={await chrome(c)}
          title="Set up keymint"
          message="This set-up link is used up or expired."
        />,
        404,
      );
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
    if (!release)
      return c.html(
        <MessagePage
          chrome={await chrome(c)}
          title="Set up keymint"
          message="This set-up link is used up or expired."
        />,
        404,
      );
    try {
      const now = deps.clock.now();
      const [{ n }] = (await deps.db.select({ n: count() }).from(users)) as [{ n: number }];
      if (Number(n) > 0) throw new DomainError('conflict', 'keymint already has users; sign in instead');
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
          error={message(e)}
          values={{ orgName: str(form, 'orgName'), slug: str(form, 'slug'), email: str(form, 'email') }}
        />,
        400,
      );
    }
  });

  // Everything else needs a session; unsafe methods also its CSRF token.
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
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.redirect('/console/sign-in', 303);
  });

  // Organisation pages: membership decides; admins write, viewers only read.
  app.use('/console/orgs/:org/*', async (c, next) => {
    const org = c.var.viewer.orgs.find((o) => o.slug === c.req.param('org'));
    if (!org)
      return c.html(
        <MessagePage chrome={await chrome(c)} title="Not found" message="No such organisation." />,
        404,
      );
    // The connection test changes nothing, so viewers may run it too.
    if (c.req.method === 'POST' && org.role !== 'admin' && !c.req.path.endsWith('/integrate/test')) {
      return c.html(
        <MessagePage
          chrome={await chrome(c, org)}
          title="Not allowed"
          message="Viewers cannot change anything here."
        />,
        403,
      );
    }
    return next();
  });
  const orgOf = (c: Ctx) => c.var.viewer.orgs.find((o) => o.slug === c.req.param('org')) as MemberOrg;
  const keyCtx = (c: Ctx) => ({
    db: c.var.deps.db,
    now: c.var.deps.clock.now(),
    catalog: c.var.deps.catalog,
    actor: { type: 'user' as const, id: c.var.viewer.user.id, label: c.var.viewer.user.email },
    meta: requestMeta(c),
  });

  const renderKeys = async (
    c: Ctx,
    extra: {
      flash?: string;
      error?: string;
      create?: { error?: string; values?: Record<string, string | string[]> };
    } = {},
    status = 200,
  ) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    const filters = {
      status: c.req.query('status') || 'active',
      q: c.req.query('q') ?? '',
      hideRevoked: c.req.query('hideRevoked') === '1',
    };
    const now = deps.clock.now();
    let page: Awaited<ReturnType<typeof listKeys>> = { items: [], nextCursor: null };
    let error = extra.error;
    try {
      page = await listKeys(deps.db, org.id, now, {
        status: filters.status,
        q: filters.q || undefined,
        cursor: c.req.query('cursor'),
        limit: 50,
      });
    } catch (e) {
      error = message(e);
    }
    const keys = page.items
      .map((k) => toKeyView(k, now))
      .filter((k) => !(filters.hideRevoked && k.status === 'revoked'));
    return c.html(
      <KeysPage
        chrome={await chrome(c, org, 'keys')}
        keys={keys}
        nextCursor={page.nextCursor}
        filters={filters}
        catalog={deps.catalog}
        canWrite={org.role === 'admin'}
        flash={extra.flash ?? (c.req.query('done') ? c.req.query('done') : undefined)}
        error={error}
        create={extra.create ?? {}}
      />,
      status as 200,
    );
  };

  app.get('/console/orgs/:org/keys', (c) => renderKeys(c));

  app.post('/console/orgs/:org/keys', async (c) => {
    const org = orgOf(c);
    const form = (await c.req.parseBody({ all: true })) as Form;
    const values = {
      name: str(form, 'name'),
      scopes: list(form, 'scopes'),
      expiresIn: str(form, 'expiresIn'),
      expiresOn: str(form, 'expiresOn'),
      allowedCidrs: str(form, 'allowedCidrs'),
      tokenTtlSeconds: str(form, 'tokenTtlSeconds'),
    };
    try {
      const expiry =
        values.expiresIn === 'date'
          ? { expiresAt: values.expiresOn ? `${values.expiresOn}T00:00:00Z` : 'missing date' }
          : { expiresIn: values.expiresIn || '90d' };
      const { key, secret } = await createKey(keyCtx(c), org.id, {
        name: values.name,
        scopes: values.scopes,
        ...expiry,
        tokenTtlSeconds: values.tokenTtlSeconds ? Number(values.tokenTtlSeconds) : null,
        allowedCidrs: lines(values.allowedCidrs),
      });
      const id = reveals.put(
        c.var.viewer.session.idDigest,
        { keyId: key.id, name: key.name, clientId: key.clientId, secret, rotated: false },
        Date.now(),
      );
      return c.redirect(`/console/orgs/${org.slug}/keys/${key.id}/reveal/${id}`, 303);
    } catch (e) {
      return renderKeys(c, { create: { error: message(e), values } }, 400);
    }
  });

  app.get('/console/orgs/:org/keys/:id/reveal/:reveal', async (c) => {
    const org = orgOf(c);
    const r = reveals.take(c.req.param('reveal'), c.var.viewer.session.idDigest, Date.now());
    if (!r) {
      return c.html(
        <MessagePage
          chrome={await chrome(c, org, 'keys')}
          title="Secret no longer shown"
          message="A secret is shown once only; it cannot be shown again. Rotate the key for a new one."
        />,
        410,
      );
    }
    return c.html(
      <RevealPage
        chrome={await chrome(c, org, 'keys')}
        name={r.name}
        clientId={r.clientId}
        secret={r.secret}
        tokenUrl={`${c.var.deps.config.issuerUrl}/token`}
        rotated={r.rotated}
      />,
    );
  });

  const renderKey = async (
    c: Ctx,
    extra: { flash?: string; error?: string } = {},
    status: 200 | 400 = 200,
  ) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    const now = deps.clock.now();
    try {
      const key = await findKey(deps.db, org.id, c.req.param('id') as string);
      await deps.usage.flush(deps.db);
      const usage = await queryUsage(deps.db, now, { orgId: org.id, keyId: key.id });
      return c.html(
        <KeyPage
          chrome={await chrome(c, org, 'keys')}
          k={toKeyView(key, now)}
          catalog={deps.catalog}
          usage={usage}
          canWrite={org.role === 'admin'}
          flash={extra.flash}
          error={extra.error}
        />,
        status,
      );
    } catch (e) {
      return c.html(
        <MessagePage chrome={await chrome(c, org, 'keys')} title="Not found" message={message(e)} />,
        404,
      );
    }
  };
  app.get('/console/orgs/:org/keys/:id', (c) => renderKey(c));

  app.post('/console/orgs/:org/keys/:id/update', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const input =
      str(form, 'access') === '1'
        ? {
            scopes: list(form, 'scopes'),
            allowedCidrs: lines(str(form, 'allowedCidrs')),
            tokenTtlSeconds: str(form, 'tokenTtlSeconds') ? Number(str(form, 'tokenTtlSeconds')) : null,
          }
        : { name: str(form, 'name') };
    try {
      await updateKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string, input);
      return renderKey(c, { flash: 'Saved.' });
    } catch (e) {
      return renderKey(c, { error: message(e) }, 400);
    }
  });

  const rowAction = (path: string, run: (c: Ctx, form: Form) => Promise<string | Response>) =>
    app.post(`/console/orgs/:org/keys/:id/${path}`, async (c) => {
      const form = (await c.req.parseBody({ all: true })) as Form;
      try {
        const done = await run(c, form);
        if (done instanceof Response) return done;
        return c.redirect(`/console/orgs/${orgOf(c).slug}/keys?${new URLSearchParams({ done })}`, 303);
      } catch (e) {
        return renderKeys(c, { error: message(e) }, 400);
      }
    });

  rowAction('enabled', async (c, form) => {
    const enabled = str(form, 'enabled') === 'true';
    const key = await updateKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string, { enabled });
    return `Key “${key.name}” ${enabled ? 'enabled' : 'disabled'}.`;
  });
  rowAction('revoke', async (c) => {
    const key = await revokeKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string);
    return `Key “${key.name}” revoked.`;
  });
  rowAction('delete', async (c) => {
    await deleteKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string);
    return 'Key deleted.';
  });
  rowAction('rotate', async (c, form) => {
    const org = orgOf(c);
    const grace = Number(str(form, 'gracePeriodSeconds') || '0');
    const { key, secret } = await rotateKey(
      keyCtx(c),
      org.id,
      c.req.param('id') as string,
      Number.isFinite(grace) ? grace : -1,
    );
    const id = reveals.put(
      c.var.viewer.session.idDigest,
      { keyId: key.id, name: key.name, clientId: key.clientId, secret, rotated: true },
      Date.now(),
    );
    return c.redirect(`/console/orgs/${org.slug}/keys/${key.id}/reveal/${id}`, 303);
  });

  app.get('/console/orgs/:org/usage', async (c) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    const now = deps.clock.now();
    await deps.usage.flush(deps.db);
    const hourly = await queryUsage(deps.db, now, { orgId: org.id, granularity: 'hour' });
    const daily = await queryUsage(deps.db, now, { orgId: org.id, granularity: 'day' });
    return c.html(<UsagePage chrome={await chrome(c, org, 'usage')} hourly={hourly} daily={daily} />);
  });

  app.get('/console/orgs/:org/audit', async (c) => {
    const org = orgOf(c);
    const filters = { action: c.req.query('action') ?? '', actorId: c.req.query('actorId') ?? '' };
    try {
      const page = await listAuditEvents(c.var.deps.db, org.id, {
        action: filters.action || undefined,
        actorId: filters.actorId || undefined,
        cursor: c.req.query('cursor'),
        limit: 50,
      });
      return c.html(
        <AuditPage
          chrome={await chrome(c, org, 'audit')}
          items={page.items}
          nextCursor={page.nextCursor}
          filters={filters}
        />,
      );
    } catch (e) {
      return c.html(
        <MessagePage chrome={await chrome(c, org, 'audit')} title="Audit log" message={message(e)} />,
        400,
      );
    }
  });

  const integrate = async (
    c: Ctx,
    test?: { ok: boolean; message: string; claims?: Record<string, unknown> },
  ) =>
    c.html(
      <IntegratePage
        chrome={await chrome(c, orgOf(c), 'integrate')}
        issuer={c.var.deps.config.issuerUrl}
        audience={c.var.deps.config.apiAudience}
        test={test}
      />,
    );
  app.get('/console/orgs/:org/integrate', (c) => integrate(c));
  // Viewers may test a connection too: it changes nothing.
  app.post('/console/orgs/:org/integrate/test', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: str(form, 'clientId'),
      client_secret: str(form, 'clientSecret'),
    });
    if (str(form, 'scope')) body.set('scope', str(form, 'scope'));
    const res = await selfFetch(
      new Request(`${c.var.deps.config.issuerUrl}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-forwarded-for': c.var.deps.clientIp(c) ?? '',
        },
        body,
      }),
    );
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok || typeof json.access_token !== 'string') {
      return integrate(c, {
        ok: false,
        message: `The token endpoint answered ${res.status} ${json.error ?? ''}: ${json.error_description ?? ''}`,
      });
    }
    const claims = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(
          atob((json.access_token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
          (ch) => ch.charCodeAt(0),
        ),
      ),
    );
    return integrate(c, {
      ok: true,
      message: `It works: a ${json.expires_in}-second token with scope “${json.scope}”.`,
      claims,
    });
  });

  return app;
}
