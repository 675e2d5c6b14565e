import type { Hono } from 'hono';
import { CONSOLE_CSS, CONSOLE_JS } from './assets';
import type { ConsoleEnv } from './console-env';

/** The stylesheet and script: public, and cached for good since their URLs carry a version. */
export function registerAssetRoutes(app: Hono<ConsoleEnv>): void {
  app.get('/console/assets/console.css', (c) =>
    c.body(CONSOLE_CSS, 200, {
      'Content-Type': 'text/css; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    }),
  );
  app.get('/console/assets/console.js', (c) =>
    c.body(CONSOLE_JS, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
    }),
  );
}
