import { Hono } from 'hono';
import { answerWithin } from '../lib/answer-within';
import { limitBody } from '../lib/body-limit';
import { registerAssetRoutes } from './asset-routes';
import type { ConsoleEnv } from './console-env';
import { consoleErrorPage } from './console-errors';
import { registerOrgGuard, registerPageHeaders, registerSessionGuard } from './console-middleware';
import { registerFederationRoutes } from './federation-routes';
import { registerKeyRoutes } from './key-routes';
import { registerOrgPageRoutes } from './org-page-routes';
import { createChrome } from './page-chrome';
import { RevealStore } from './reveal-store';
import { registerSignedInRoutes, registerSignInRoutes } from './session-routes';

/**
 * The console: server-rendered pages over the same services as the API.
 * Hono runs middleware and routes in registration order, so this order decides which
 * routes the session and org guards stand in front of.
 */
export function createConsole(): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const reveals = new RevealStore();
  const chrome = createChrome();

  app.onError(consoleErrorPage(chrome));
  registerPageHeaders(app);
  app.use('/console/*', limitBody(), answerWithin());
  registerAssetRoutes(app);
  registerSignInRoutes(app, chrome);
  registerSessionGuard(app, chrome);
  registerSignedInRoutes(app, chrome);
  registerOrgGuard(app, chrome);
  registerKeyRoutes(app, chrome, reveals);
  registerFederationRoutes(app, chrome);
  registerOrgPageRoutes(app, chrome);

  return app;
}
