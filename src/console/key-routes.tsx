/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { createKey } from '../api-keys/create-key';
import { findKey } from '../api-keys/find-key';
import { toKeyView } from '../api-keys/key-view';
import { listKeys } from '../api-keys/list-keys';
import { updateKey } from '../api-keys/update-key';
import { queryUsage } from '../usage/query-usage';
import { accessChange } from './access-change';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf, refuseViewer } from './console-middleware';
import { fromNow } from './dates';
import { errorDetail, type Form, lines, list, str } from './form-fields';
import { registerKeyActionRoutes } from './key-action-routes';
import { doneMessage, keyCtx, keyOrNotFound } from './key-console';
import type { ChromeFor } from './page-chrome';
import { AccessConfirmPage } from './pages/access-confirm-page';
import { type CreateForm, CreateKeyPage } from './pages/create-key-form';
import { KeyPage } from './pages/key-page';
import { KeysPage } from './pages/keys-page';
import { RevealPage } from './pages/reveal-page';
import { MessagePage } from './pages/simple-pages';
import type { RevealStore } from './reveal-store';

/**
 * An organisation's keys: the list with its create form, the one-time secret reveal,
 * each key's page and the changes made from them. Behind the org guard.
 */
export function registerKeyRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor, reveals: RevealStore): void {
  const renderKeys = async (
    c: ConsoleContext,
    extra: { flash?: string; error?: string } = {},
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
      error = errorDetail(e);
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
        flash={extra.flash ?? (await doneMessage(c, org.id))}
        error={error}
      />,
      status as 200,
    );
  };

  app.get('/console/orgs/:org/keys', (c) => renderKeys(c));

  // The create form on a page of its own: the way without script, and where a refused
  // form comes back with what was typed.
  const renderCreate = async (c: ConsoleContext, form: CreateForm, status: 200 | 400) =>
    c.html(
      <CreateKeyPage chrome={await chrome(c, orgOf(c), 'keys')} catalog={c.var.deps.catalog} form={form} />,
      status,
    );
  app.get(
    '/console/orgs/:org/keys/new',
    async (c) => (await refuseViewer(c, chrome, 'keys')) ?? renderCreate(c, {}, 200),
  );

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
        c.var.deps.clock.now().getTime(),
      );
      return c.redirect(`/console/orgs/${org.slug}/keys/${key.id}/reveal/${id}`, 303);
    } catch (e) {
      return renderCreate(c, { error: errorDetail(e), values }, 400);
    }
  });

  app.get('/console/orgs/:org/keys/:id/reveal/:reveal', async (c) => {
    const org = orgOf(c);
    const r = reveals.take(
      c.req.param('reveal'),
      c.var.viewer.session.idDigest,
      c.var.deps.clock.now().getTime(),
    );
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
        oldSecretUntil={
          r.oldSecretUntil
            ? {
                iso: r.oldSecretUntil,
                fromNow: fromNow(Date.parse(r.oldSecretUntil), c.var.deps.clock.now().getTime()),
              }
            : undefined
        }
      />,
    );
  });

  const renderKey = async (
    c: ConsoleContext,
    extra: { flash?: string; error?: string } = {},
    status: 200 | 400 = 200,
  ) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    const now = deps.clock.now();
    const key = await keyOrNotFound(c, chrome);
    if (key instanceof Response) return key;
    // The page's counts include this instance's tokens not yet written.
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
  };
  app.get('/console/orgs/:org/keys/:id', (c) => renderKey(c));

  app.post('/console/orgs/:org/keys/:id/update', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    const access = str(form, 'access') === '1';
    const input = access
      ? {
          scopes: list(form, 'scopes'),
          allowedCidrs: lines(str(form, 'allowedCidrs')),
          tokenTtlSeconds: str(form, 'tokenTtlSeconds') ? Number(str(form, 'tokenTtlSeconds')) : null,
        }
      : { name: str(form, 'name') };
    // Changed scopes or IP ranges may break calls made with the key: say what changes
    // and save only when the same values come back confirmed.
    if (access && str(form, 'confirmed') !== '1') {
      const org = orgOf(c);
      const key = await findKey(c.var.deps.db, org.id, c.req.param('id') as string).catch(() => undefined);
      const change =
        key &&
        accessChange(
          key,
          { scopes: input.scopes ?? [], allowedCidrs: input.allowedCidrs ?? [] },
          c.var.deps.catalog,
        );
      if (key && change) {
        return c.html(
          <AccessConfirmPage
            chrome={await chrome(c, org, 'keys')}
            k={key}
            change={change}
            posted={{
              scopes: input.scopes ?? [],
              allowedCidrs: (input.allowedCidrs ?? []).join(' '),
              tokenTtlSeconds: str(form, 'tokenTtlSeconds'),
            }}
          />,
        );
      }
    }
    try {
      await updateKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string, input);
      return renderKey(c, { flash: 'Saved.' });
    } catch (e) {
      return renderKey(c, { error: errorDetail(e) }, 400);
    }
  });

  registerKeyActionRoutes(app, chrome, reveals, renderKeys);
}
