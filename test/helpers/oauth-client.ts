import type { Hono } from 'hono';
import type { AppEnv } from '../../src/deps';

/** RFC 6749 §2.3.1: form-encode, then base64. */
export function basicAuth(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** The secret with its last character changed: a well-formed-looking wrong secret, never the right one. */
export function wrongSecret(secret: string): string {
  return `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
}

export interface PostFormOptions {
  auth?: { id: string; secret: string };
  headers?: Record<string, string>;
  /** The socket address the request comes from. */
  ip?: string;
}

/** POSTs a form to the app as a Node socket on `ip` would (default 203.0.113.10). */
export function postForm(
  app: Hono<AppEnv>,
  path: string,
  params: Record<string, string> | string,
  o: PostFormOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    ...o.headers,
  };
  if (o.auth) headers.authorization = basicAuth(o.auth.id, o.auth.secret);
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString();
  return Promise.resolve(
    app.request(
      path,
      { method: 'POST', headers, body },
      { incoming: { socket: { remoteAddress: o.ip ?? '203.0.113.10' } } },
    ),
  );
}

export function requestToken(
  app: Hono<AppEnv>,
  key: { clientId: string; secret: string },
  params: Record<string, string> = {},
  o: Omit<PostFormOptions, 'auth'> = {},
): Promise<Response> {
  return postForm(
    app,
    '/token',
    { grant_type: 'client_credentials', ...params },
    {
      ...o,
      auth: { id: key.clientId, secret: key.secret },
    },
  );
}
