import { requestToken } from './oauth-client';
import type { TestApp } from './test-app';

export interface ApiCall {
  token?: string;
  session?: { cookie: string; csrf: string };
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Leave out the CSRF header on a session call. */
  noCsrf?: boolean;
  ip?: string;
}

/** A management API call over the app, as a bearer client or a console session would make it. */
export function api(t: TestApp, method: string, path: string, o: ApiCall = {}): Promise<Response> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.session) {
    headers.cookie = o.session.cookie;
    if (!o.noCsrf && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] = o.session.csrf;
  }
  let body: string | undefined = o.rawBody;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers['content-type'] ??= 'application/json';
  }
  return Promise.resolve(
    t.app.request(
      `/api/v1${path}`,
      { method, headers, ...(body !== undefined ? { body } : {}) },
      { incoming: { socket: { remoteAddress: o.ip ?? '203.0.113.50' } } },
    ),
  );
}

/** A bearer token for a fresh key of `orgId` with exactly these scopes. */
export async function bearer(t: TestApp, orgId: string, scopes: string[]): Promise<string> {
  const key = await t.newKey(orgId, { name: `caller ${scopes.join(' ')}`, scopes });
  const res = await requestToken(t.app, key, { scope: scopes.join(' ') });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

/** Signs in through the API and returns what a browser would hold. */
export async function signIn(
  t: TestApp,
  email: string,
  password: string,
): Promise<{ cookie: string; csrf: string }> {
  const res = await api(t, 'POST', '/session', { body: { email, password } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] as string, csrf: (await res.json()).csrfToken };
}
