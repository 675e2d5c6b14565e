/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { listAuditEvents } from '../audit/list-audit';
import { queryUsage } from '../usage/query-usage';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf } from './console-middleware';
import { errorDetail, type Form, str } from './form-fields';
import type { ChromeFor } from './page-chrome';
import { AuditPage, IntegratePage, MessagePage, UsagePage } from './pages/simple-pages';

/**
 * An organisation's pages besides its keys: usage, the audit log, and the integration
 * guide with its connection test. Behind the org guard. `selfFetch` sends the test
 * through this very app, so it exercises the real /token.
 */
export function registerOrgPageRoutes(
  app: Hono<ConsoleEnv>,
  chrome: ChromeFor,
  selfFetch: (req: Request) => Promise<Response>,
): void {
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
}
