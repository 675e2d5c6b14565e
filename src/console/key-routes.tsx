/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { createKey } from '../api-keys/create-key';
import { deleteKey } from '../api-keys/delete-key';
import { findKey } from '../api-keys/find-key';
import { toKeyView } from '../api-keys/key-view';
import { listKeys } from '../api-keys/list-keys';
import { revokeKey } from '../api-keys/revoke-key';
import { rotateKey } from '../api-keys/rotate-key';
import { updateKey } from '../api-keys/update-key';
import { requestMeta } from '../audit/request-meta';
import { queryUsage } from '../usage/query-usage';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf } from './console-middleware';
import { errorDetail, type Form, lines, list, str } from './form-fields';
import type { ChromeFor } from './page-chrome';
import { KeyPage } from './pages/key-page';
import { KeysPage } from './pages/keys-page';
import { RevealPage } from './pages/reveal-page';
import { MessagePage } from './pages/simple-pages';
import type { RevealStore } from './reveal-store';

/** The key services' context for the signed-in user, audited as them. */
const keyCtx = (c: ConsoleContext) => ({
  db: c.var.deps.db,
  now: c.var.deps.clock.now(),
  catalog: c.var.deps.catalog,
  actor: { type: 'user' as const, id: c.var.viewer.user.id, label: c.var.viewer.user.email },
  meta: requestMeta(c),
});

/** What the list may say after a row action: the server's own words, chosen by a code in the URL. */
const DONE = {
  enabled: 'enabled',
  disabled: 'disabled',
  revoked: 'revoked',
  deleted: 'deleted',
} as const;
type Done = keyof typeof DONE;

/**
 * The success banner for `?done=<code>&key=<id>`: only a known code renders, and the
 * key's name comes from the database, so no text from a URL ever reaches the page.
 */
async function doneMessage(c: ConsoleContext, orgId: string): Promise<string | undefined> {
  const code = c.req.query('done');
  if (!code || !Object.hasOwn(DONE, code)) return undefined;
  const verb = DONE[code as Done];
  const ref = c.req.query('key');
  // A deleted key has left the listings; its name is not looked up again.
  const key =
    ref && verb !== 'deleted' ? await findKey(c.var.deps.db, orgId, ref).catch(() => undefined) : undefined;
  return key ? `Key “${key.name}” ${verb}.` : `Key ${verb}.`;
}

/**
 * An organisation's keys: the list with its create form, the one-time secret reveal,
 * each key's page and the changes made from them. Behind the org guard.
 */
export function registerKeyRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor, reveals: RevealStore): void {
  const renderKeys = async (
    c: ConsoleContext,
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
        c.var.deps.clock.now().getTime(),
      );
      return c.redirect(`/console/orgs/${org.slug}/keys/${key.id}/reveal/${id}`, 303);
    } catch (e) {
      return renderKeys(c, { create: { error: errorDetail(e), values } }, 400);
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
        <MessagePage chrome={await chrome(c, org, 'keys')} title="Not found" message={errorDetail(e)} />,
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
      return renderKey(c, { error: errorDetail(e) }, 400);
    }
  });

  // The list's row buttons: a flash message back on the list, or a response of their own.
  const rowAction = (path: string, run: (c: ConsoleContext, form: Form) => Promise<Done | Response>) =>
    app.post(`/console/orgs/:org/keys/:id/${path}`, async (c) => {
      const form = (await c.req.parseBody({ all: true })) as Form;
      try {
        const done = await run(c, form);
        if (done instanceof Response) return done;
        const query = new URLSearchParams({ done, key: c.req.param('id') as string });
        return c.redirect(`/console/orgs/${orgOf(c).slug}/keys?${query}`, 303);
      } catch (e) {
        return renderKeys(c, { error: errorDetail(e) }, 400);
      }
    });

  rowAction('enabled', async (c, form) => {
    const enabled = str(form, 'enabled') === 'true';
    await updateKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string, { enabled });
    return enabled ? 'enabled' : 'disabled';
  });
  rowAction('revoke', async (c) => {
    await revokeKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string);
    return 'revoked';
  });
  rowAction('delete', async (c) => {
    await deleteKey(keyCtx(c), orgOf(c).id, c.req.param('id') as string);
    return 'deleted';
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
      c.var.deps.clock.now().getTime(),
    );
    return c.redirect(`/console/orgs/${org.slug}/keys/${key.id}/reveal/${id}`, 303);
  });
}
