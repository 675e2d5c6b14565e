/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { listAuditEvents } from '../audit/list-audit';
import { authenticateAttempt } from '../oauth/authenticate-client';
import { clientCredentialsGrant, type TokenResponse } from '../oauth/grants/client-credentials';
import { OAuthError } from '../oauth/oauth-error';
import { queryUsage } from '../usage/query-usage';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf } from './console-middleware';
import { errorDetail, type Form, str } from './form-fields';
import type { ChromeFor } from './page-chrome';
import { AuditPage, IntegratePage, MessagePage, UsagePage } from './pages/simple-pages';

/**
 * An organisation's pages besides its keys: usage, the audit log, and the integration
 * guide with its connection test. Behind the org guard. The test runs /token's own
 * client authentication and grant, so it exercises exactly what /token does.
 */
export function registerOrgPageRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
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
        <MessagePage chrome={await chrome(c, org, 'audit')} title="Audit log" message={errorDetail(e)} />,
        400,
      );
    }
  });

  const integrate = async (
    c: ConsoleContext,
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
    const deps = c.var.deps;
    const form = (await c.req.parseBody({ all: true })) as Form;
    const params = new Map([
      ['grant_type', 'client_credentials'],
      ['client_id', str(form, 'clientId')],
      ['client_secret', str(form, 'clientSecret')],
    ]);
    if (str(form, 'scope')) params.set('scope', str(form, 'scope'));
    const ip = deps.clientIp(c);
    let token: TokenResponse;
    try {
      // What /token does, with failures counted against this person at this address:
      // nobody else's failed tests can lock them out, nor theirs anybody else.
      const key = await authenticateAttempt(deps, {
        authorization: undefined,
        form: params,
        ip,
        throttleKey: `console:${c.var.viewer.user.id}@${ip ?? 'unknown'}`,
      });
      token = await clientCredentialsGrant(deps, key, params, ip);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      return integrate(c, {
        ok: false,
        message: `The token endpoint answered ${e.status} ${e.code}: ${e.description}`,
      });
    }
    const claims = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(
          atob((token.access_token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
          (ch) => ch.charCodeAt(0),
        ),
      ),
    );
    return integrate(c, {
      ok: true,
      message: `It works: a ${token.expires_in}-second token with scope “${token.scope}”.`,
      claims,
    });
  });
}
