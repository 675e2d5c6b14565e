/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { auditFilterOptions, clientOf } from '../audit/audit-filter-options';
import { auditDirectory } from '../audit/audit-names';
import { browseAudit } from '../audit/browse-audit';
import { requestMeta } from '../audit/request-meta';
import { listToolsFor } from '../mcp/list-tools';
import { authenticateAttempt } from '../oauth/authenticate-client';
import { clientCredentialsGrant, type TokenResponse } from '../oauth/grants/client-credentials';
import { OAuthError } from '../oauth/oauth-error';
import { queryUsage } from '../usage/query-usage';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf } from './console-middleware';
import { errorDetail, type Form, str } from './form-fields';
import { registerMemberRoutes } from './member-routes';
import type { ChromeFor } from './page-chrome';
import { AuditPage } from './pages/audit-page';
import type { McpTestResult } from './pages/mcp-panel';
import { IntegratePage, MessagePage } from './pages/simple-pages';
import { UsagePage } from './pages/usage-page';

/** Events per audit-log page: enough to scan, few enough to stay quick. */
const AUDIT_PAGE_SIZE = 50;

/**
 * An organisation's pages besides its keys: members and invites, usage, the audit log,
 * and the integration guide with its connection test. Behind the org guard. The test
 * runs /token's own client authentication and grant, so it exercises exactly what /token does.
 */
export function registerOrgPageRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  registerMemberRoutes(app, chrome);
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
    const db = c.var.deps.db;
    const org = orgOf(c);
    const q = (name: string) => c.req.query(name) ?? '';
    const filters = { action: q('action'), actor: q('actor'), key: q('key') };
    try {
      // A key filter names a key or federation of this organisation, or nothing matches.
      const client =
        filters.key && /^\w{1,64}$/.test(filters.key) ? await clientOf(db, org.id, filters.key) : undefined;
      const page =
        filters.key && !client
          ? { items: [], older: null, newer: null }
          : await browseAudit(db, org.id, {
              action: filters.action || undefined,
              actorId: filters.actor || undefined,
              client,
              older: q('older') || undefined,
              newer: q('newer') || undefined,
              limit: AUDIT_PAGE_SIZE,
            });
      const link = (dir: 'older' | 'newer', cursor: string | null) => {
        if (!cursor) return undefined;
        const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v));
        params.set(dir, cursor);
        return `/console/orgs/${org.slug}/audit?${params}`;
      };
      return c.html(
        <AuditPage
          chrome={await chrome(c, org, 'audit')}
          items={page.items}
          directory={await auditDirectory(db, org, page.items)}
          options={await auditFilterOptions(db, org.id)}
          filters={filters}
          newer={link('newer', page.newer)}
          older={link('older', page.older)}
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
    o: {
      test?: { ok: boolean; message: string; claims?: Record<string, unknown> };
      mcpTest?: McpTestResult;
    } = {},
  ) =>
    c.html(
      <IntegratePage
        chrome={await chrome(c, orgOf(c), 'integrate')}
        issuer={c.var.deps.config.issuerUrl}
        audience={c.var.deps.config.apiAudience}
        test={o.test}
        mcpTest={o.mcpTest}
      />,
    );

  /**
   * A token for the key typed into a test form, through what /token does, with
   * failures counted against this person at this address: nobody else's failed tests
   * can lock them out, nor theirs anybody else. The refusal as /token words it otherwise.
   */
  const testToken = async (c: ConsoleContext, form: Form): Promise<TokenResponse | string> => {
    const deps = c.var.deps;
    const params = new Map([
      ['grant_type', 'client_credentials'],
      ['client_id', str(form, 'clientId')],
      ['client_secret', str(form, 'clientSecret')],
    ]);
    if (str(form, 'scope')) params.set('scope', str(form, 'scope'));
    const ip = deps.clientIp(c);
    try {
      const key = await authenticateAttempt(deps, {
        authorization: undefined,
        form: params,
        ip,
        throttleKey: `console:${c.var.viewer.user.id}@${ip ?? 'unknown'}`,
      });
      return await clientCredentialsGrant(deps, key, params, ip);
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      return `The token endpoint answered ${e.status} ${e.code}: ${e.description}`;
    }
  };

  app.get('/console/orgs/:org/integrate', (c) => integrate(c));
  // Viewers may test a connection too: it changes nothing.
  app.post('/console/orgs/:org/integrate/test', async (c) => {
    const token = await testToken(c, (await c.req.parseBody({ all: true })) as Form);
    if (typeof token === 'string') return integrate(c, { test: { ok: false, message: token } });
    const claims = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(
          atob((token.access_token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/')),
          (ch) => ch.charCodeAt(0),
        ),
      ),
    );
    return integrate(c, {
      test: {
        ok: true,
        message: `It works: a ${token.expires_in}-second token with scope “${token.scope}”.`,
        claims,
      },
    });
  });

  // The MCP connection test: a token for the key, then a real tools/list with it.
  app.post('/console/orgs/:org/integrate/mcp-test', async (c) => {
    const token = await testToken(c, (await c.req.parseBody({ all: true })) as Form);
    if (typeof token === 'string') return integrate(c, { mcpTest: { ok: false, message: token } });
    const tools = await listToolsFor(c.var.deps, token.access_token, requestMeta(c));
    return integrate(c, {
      mcpTest: {
        ok: true,
        message: `Connected: with scope “${token.scope}” this key sees ${tools.length} tool${tools.length === 1 ? '' : 's'}.`,
        tools: tools.map((t) => ({ name: t.name, description: t.description })),
      },
    });
  });
}
