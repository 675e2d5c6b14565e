// Client-credentials token requests: the load's request shape, and single checked requests.
import type { Alg } from './bench-options';
import type { Side } from './side';

export interface BenchKey {
  id: string;
  clientId: string;
  clientSecret: string;
}

export const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const TOKEN_FORM = (scope: string) =>
  new URLSearchParams({ grant_type: 'client_credentials', scope }).toString();

export function tokenSide(name: string, base: string, clientId: string, secret: string, pid?: number): Side {
  return {
    name,
    pid,
    url: `${base}/token`,
    headers: {
      authorization: basicAuth(clientId, secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: TOKEN_FORM('read:subjects'),
  };
}

/** One real token request; checks it is a JWT access token of the expected algorithm. */
export async function checkIssues(side: Side, alg: Alg): Promise<string> {
  const res = await fetch(side.url, { method: 'POST', headers: side.headers, body: side.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${side.name} answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as { access_token?: string; token_type?: string; scope?: string };
  const header = JSON.parse(Buffer.from(body.access_token?.split('.')[0] ?? '', 'base64url').toString()) as {
    alg?: string;
    typ?: string;
  };
  if (header.alg !== alg || header.typ !== 'at+jwt' || body.scope !== 'read:subjects')
    throw new Error(`${side.name} issued something else: header ${JSON.stringify(header)}, body ${text}`);
  return `${side.name}: ${alg} at+jwt, ${body.access_token?.length} chars, scope ${body.scope}`;
}

/** An access token from keymint's /token for `scope`. */
export async function fetchToken(base: string, key: BenchKey, scope: string): Promise<string> {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(key.clientId, key.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: TOKEN_FORM(scope),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`keymint /token (${scope}) answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}
