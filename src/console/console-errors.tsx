/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
import type { Context } from 'hono';
import { asDomainError } from '../db/database-error';
import { internalErrorMessage, reportUnexpected } from '../lib/unexpected-failure';
import type { ConsoleContext, ConsoleEnv } from './console-env';
import { orgOf } from './console-middleware';
import { consoleRefusal, notFoundDetail } from './form-fields';
import type { Chrome } from './layout';
import type { ChromeFor } from './page-chrome';
import { MessagePage } from './pages/simple-pages';

/**
 * The console's one error mapping (its router's onError): a refusal no page handled
 * itself becomes a page with the refusal's status; anything else a logged failure
 * whose page names the request id and nothing internal.
 */
export function consoleErrorPage(chrome: ChromeFor) {
  return async (err: Error, c: Context<ConsoleEnv>): Promise<Response> => {
    const ctx = c as ConsoleContext;
    if (asDomainError(err)) {
      const refusal = consoleRefusal(err);
      const title = refusal.status === 503 ? 'Temporarily unavailable' : 'Request refused';
      return c.html(
        <MessagePage chrome={await chrome(ctx)} title={title} message={refusal.detail} />,
        refusal.status,
        refusal.headers,
      );
    }
    const id = reportUnexpected(c.var.deps.log, err, { method: c.req.method, path: c.req.path });
    return c.html(
      <MessagePage
        chrome={await chrome(ctx)}
        title="Something went wrong"
        message={`Something went wrong on our side: ${internalErrorMessage(id)}.`}
      />,
      500,
    );
  };
}

/**
 * The "Not found" page for a lookup by the URL's id that found nothing; any other
 * refusal (the database unavailable) propagates to the error page above.
 */
export const notFoundPage = async (
  c: ConsoleContext,
  chrome: ChromeFor,
  active: Chrome['active'],
  e: unknown,
) =>
  c.html(
    <MessagePage chrome={await chrome(c, orgOf(c), active)} title="Not found" message={notFoundDetail(e)} />,
    404,
  );
