/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { expandGrant } from '../api-keys/scopes';
import { requestMeta } from '../audit/request-meta';
import { createFederation } from '../federation/create-federation';
import { deleteFederation } from '../federation/delete-federation';
import { type FederationServiceContext, federationContext } from '../federation/federation-service-context';
import { toFederationView } from '../federation/federation-view';
import { findFederation } from '../federation/find-federation';
import { listFederations } from '../federation/list-federations';
import { revokeFederation } from '../federation/revoke-federation';
import { updateFederation } from '../federation/update-federation';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { notFoundPage } from './console-errors';
import { orgOf, refuseViewer } from './console-middleware';
import { federationWorkflow } from './federation-workflow';
import { errorDetail, type Form, list, str } from './form-fields';
import type { ChromeFor } from './page-chrome';
import { ConfirmPage } from './pages/confirm';
import { FederationFormPage, type FederationFormValues } from './pages/federation-form-page';
import { FEDERATION_CONFIRMATIONS, FederationPage, federationConfirmation } from './pages/federation-page';
import { FederationsPage } from './pages/federations-page';

/** The federation services' context for the signed-in user, audited as them. */
const fedCtx = (c: ConsoleContext): FederationServiceContext =>
  federationContext(
    {
      db: c.var.deps.db,
      now: c.var.deps.clock.now(),
      catalog: c.var.deps.catalog,
      actor: { type: 'user', id: c.var.viewer.user.id, label: c.var.viewer.user.email },
      meta: requestMeta(c),
    },
    c.var.deps.config,
  );

/** What a page may say after an action: the server's own words, chosen by a code in the URL. */
const DONE = {
  created: 'created: paste the workflow below into the repository',
  enabled: 'enabled',
  disabled: 'disabled',
  revoked: 'revoked',
  deleted: 'deleted',
} as const;
type Done = keyof typeof DONE;

/** The claims the form pins, from its fields; an empty field pins nothing. */
const FORM_CLAIMS = [
  'repository_id',
  'repository_owner_id',
  'repository',
  'ref',
  'environment',
  'workflow_ref',
  'job_workflow_ref',
  'event_name',
] as const;

/**
 * An organisation's federations: the list, the guided create form, each federation's
 * page with the workflow to paste, and its life cycle. Behind the org guard, which
 * lets only admins post.
 */
export function registerFederationRoutes(app: Hono<ConsoleEnv>, chrome: ChromeFor): void {
  const base = (c: ConsoleContext) => `/console/orgs/${orgOf(c).slug}/federations`;

  app.get('/console/orgs/:org/federations', async (c) => {
    const org = orgOf(c);
    let error: string | undefined;
    let page: Awaited<ReturnType<typeof listFederations>> = { items: [], nextCursor: null };
    try {
      page = await listFederations(c.var.deps.db, org.id, { cursor: c.req.query('cursor'), limit: 50 });
    } catch (e) {
      error = errorDetail(e);
    }
    // Only a deletion lands here; its federation has left the listings, so no name is shown.
    const flash = c.req.query('done') === 'deleted' ? `Federation ${DONE.deleted}.` : undefined;
    return c.html(
      <FederationsPage
        chrome={await chrome(c, org, 'federations')}
        federations={page.items.map(toFederationView)}
        nextCursor={page.nextCursor}
        canWrite={org.role === 'admin'}
        flash={flash}
        error={error}
      />,
      error ? 400 : 200,
    );
  });

  const renderForm = async (
    c: ConsoleContext,
    extra: { error?: string; values?: FederationFormValues } = {},
  ) => {
    const refused = await refuseViewer(c, chrome, 'federations');
    if (refused) return refused;
    return c.html(
      <FederationFormPage
        chrome={await chrome(c, orgOf(c), 'federations')}
        issuers={c.var.deps.config.federationIssuers}
        catalog={c.var.deps.catalog}
        error={extra.error}
        values={extra.values}
      />,
      extra.error ? 400 : 200,
    );
  };
  app.get('/console/orgs/:org/federations/new', (c) => renderForm(c));

  app.post('/console/orgs/:org/federations', async (c) => {
    const form = (await c.req.parseBody({ all: true })) as Form;
    // Pasted values often carry a stray space or newline; the service refuses those, so trim here.
    const field = (name: string) => str(form, name).trim();
    const values: FederationFormValues = { scopes: list(form, 'scopes') };
    for (const name of ['name', 'issuer', 'subject', 'tokenTtlSeconds', ...FORM_CLAIMS])
      values[name] = field(name);
    const claims: Record<string, string> = {};
    for (const name of FORM_CLAIMS) if (field(name)) claims[name] = field(name);
    try {
      const row = await createFederation(fedCtx(c), orgOf(c).id, {
        name: field('name'),
        issuer: field('issuer'),
        subject: field('subject') || null,
        claims,
        scopes: list(form, 'scopes'),
        tokenTtlSeconds: field('tokenTtlSeconds') ? Number(field('tokenTtlSeconds')) : null,
      });
      return c.redirect(`${base(c)}/${row.id}?done=created`, 303);
    } catch (e) {
      return renderForm(c, { error: errorDetail(e), values });
    }
  });

  /** The federation the URL names, or the page saying why there is none. */
  const findView = async (c: ConsoleContext) => {
    const org = orgOf(c);
    try {
      return toFederationView(await findFederation(c.var.deps.db, org.id, c.req.param('id') as string));
    } catch (e) {
      return notFoundPage(c, chrome, 'federations', e);
    }
  };

  const renderFederation = async (
    c: ConsoleContext,
    extra: { error?: string } = {},
    status: 200 | 400 = 200,
  ) => {
    const deps = c.var.deps;
    const org = orgOf(c);
    const view = await findView(c);
    if (view instanceof Response) return view;
    const code = c.req.query('done');
    const flash =
      code && Object.hasOwn(DONE, code) && code !== 'deleted'
        ? `Federation “${view.name}” ${DONE[code as Done]}.`
        : undefined;
    const workflow = federationWorkflow({
      federation: view,
      issuerUrl: deps.config.issuerUrl,
      orgSlug: org.slug,
      scopes: expandGrant(view.scopes, deps.catalog),
    });
    return c.html(
      <FederationPage
        chrome={await chrome(c, org, 'federations')}
        f={view}
        workflow={workflow}
        canWrite={org.role === 'admin'}
        flash={flash}
        error={extra.error}
      />,
      status,
    );
  };
  app.get('/console/orgs/:org/federations/:id', (c) => renderFederation(c));

  // Each action that asks first, as a page: the way without script (with it, the same
  // confirmation opens as a dialog on the federation's page).
  for (const action of FEDERATION_CONFIRMATIONS) {
    app.get(`/console/orgs/:org/federations/:id/${action}`, async (c) => {
      const refused = await refuseViewer(c, chrome, 'federations');
      if (refused) return refused;
      const view = await findView(c);
      if (view instanceof Response) return view;
      const org = orgOf(c);
      const path = `${base(c)}/${view.id}`;
      return c.html(
        <ConfirmPage
          chrome={await chrome(c, org, 'federations')}
          c={federationConfirmation(action, view, path, c.var.viewer.session.csrfToken)}
          back={path}
        />,
      );
    });
  }

  // The page's buttons: back to the federation (or the list, once deleted) with a fixed message.
  const action = (path: string, run: (c: ConsoleContext, form: Form, ref: string) => Promise<Done>) =>
    app.post(`/console/orgs/:org/federations/:id/${path}`, async (c) => {
      const form = (await c.req.parseBody({ all: true })) as Form;
      const ref = c.req.param('id') as string;
      try {
        const done = await run(c, form, ref);
        const to = done === 'deleted' ? base(c) : `${base(c)}/${encodeURIComponent(ref)}`;
        return c.redirect(`${to}?done=${done}`, 303);
      } catch (e) {
        return renderFederation(c, { error: errorDetail(e) }, 400);
      }
    });

  action('enabled', async (c, form, ref) => {
    const enabled = str(form, 'enabled') === 'true';
    await updateFederation(fedCtx(c), orgOf(c).id, ref, { enabled });
    return enabled ? 'enabled' : 'disabled';
  });
  action('revoke', async (c, _form, ref) => {
    await revokeFederation(fedCtx(c), orgOf(c).id, ref);
    return 'revoked';
  });
  action('delete', async (c, _form, ref) => {
    await deleteFederation(fedCtx(c), orgOf(c).id, ref);
    return 'deleted';
  });
}
