/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import { findKey } from '../api-keys/find-key';
import { requestMeta } from '../audit/request-meta';
import type { ApiKeyRow } from '../db/schema/index';
import type { ConsoleContext } from './console-env';
import { notFoundPage } from './console-errors';
import { orgOf } from './console-middleware';
import type { ChromeFor } from './page-chrome';

/** The key services' context for the signed-in user, audited as them. */
export const keyCtx = (c: ConsoleContext) => ({
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
export type Done = keyof typeof DONE;

/**
 * The success banner for `?done=<code>&key=<id>`: only a known code renders, and the
 * key's name comes from the database, so no text from a URL ever reaches the page.
 */
export async function doneMessage(c: ConsoleContext, orgId: string): Promise<string | undefined> {
  const code = c.req.query('done');
  if (!code || !Object.hasOwn(DONE, code)) return undefined;
  const verb = DONE[code as Done];
  const ref = c.req.query('key');
  // A deleted key has left the listings; its name is not looked up again.
  const key =
    ref && verb !== 'deleted' ? await findKey(c.var.deps.db, orgId, ref).catch(() => undefined) : undefined;
  return key ? `Key “${key.name}” ${verb}.` : `Key ${verb}.`;
}

/** The key the URL names, or the "Not found" page saying there is none. */
export async function keyOrNotFound(c: ConsoleContext, chrome: ChromeFor): Promise<ApiKeyRow | Response> {
  try {
    return await findKey(c.var.deps.db, orgOf(c).id, c.req.param('id') as string);
  } catch (e) {
    return notFoundPage(c, chrome, 'keys', e);
  }
}
