import type { Context } from 'hono';
import type { RequestMeta } from './actor';

/** Where a request came from, as the audit log records it. */
// biome-ignore lint/suspicious/noExplicitAny: any route's context will do, whatever its env and path
export const requestMeta = (c: Context<any, any>): RequestMeta => ({
  ip: c.var.deps.clientIp(c),
  userAgent: c.req.header('user-agent'),
});
