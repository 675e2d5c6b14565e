/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Hono } from 'hono';
import { deleteKey } from '../api-keys/delete-key';
import { revokeKey } from '../api-keys/revoke-key';
import { rotateKey } from '../api-keys/rotate-key';
import { updateKey } from '../api-keys/update-key';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf, refuseViewer } from './console-middleware';
import { errorDetail, type Form, str } from './form-fields';
import { type Done, keyCtx, keyOrNotFound } from './key-console';
import type { ChromeFor } from './page-chrome';
import { ConfirmPage } from './pages/confirm';
import { DEFAULT_GRACE_SECONDS, KEY_CONFIRMATIONS, keyConfirmation } from './pages/key-confirmations';
import type { RevealStore } from './reveal-store';

/**
 * The actions on a key that ask first (rotate, disable, revoke, delete) and enabling:
 * each confirmation as a page of its own, and the confirmed posts. Behind the org guard.
 */
export function registerKeyActionRoutes(
  app: Hono<ConsoleEnv>,
  chrome: ChromeFor,
  reveals: RevealStore,
  renderKeys: (c: ConsoleContext, extra: { error?: string }, status: number) => Promise<Response>,
): void {
  // Each action that asks first, as a page: the way without script (with it, the same
  // confirmation opens as a dialog on the list or the key's page).
  for (const action of KEY_CONFIRMATIONS) {
    app.get(`/console/orgs/:org/keys/:id/${action}`, async (c) => {
      const refused = await refuseViewer(c, chrome, 'keys');
      if (refused) return refused;
      const org = orgOf(c);
      const keys = `/console/orgs/${org.slug}/keys`;
      const key = await keyOrNotFound(c, chrome);
      if (key instanceof Response) return key;
      const keyPath = `${keys}/${key.id}`;
      return c.html(
        <ConfirmPage
          chrome={await chrome(c, org, 'keys')}
          c={keyConfirmation(action, key, keyPath, c.var.viewer.session.csrfToken)}
          back={c.req.query('from') === 'key' ? keyPath : keys}
        />,
      );
    });
  }

  // The confirmed actions: a flash message back on the list, or a response of their own.
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
    // The confirmation always sends a choice; a post without one gets the same default.
    const sent = str(form, 'gracePeriodSeconds');
    const grace = sent === '' ? DEFAULT_GRACE_SECONDS : Number(sent);
    const { key, secret } = await rotateKey(
      keyCtx(c),
      org.id,
      c.req.param('id') as string,
      Number.isFinite(grace) ? grace : -1,
    );
    const id = reveals.put(
      c.var.viewer.session.idDigest,
      {
        keyId: key.id,
        name: key.name,
        clientId: key.clientId,
        secret,
        rotated: true,
        oldSecretUntil: key.previousValidUntil?.toISOString(),
      },
      c.var.deps.clock.now().getTime(),
    );
    return c.redirect(`/console/orgs/${org.slug}/keys/${key.id}/reveal/${id}`, 303);
  });
}
