import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { eq } from 'drizzle-orm';
import { decodeJwt, importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { signingKeys } from '../../src/db/schema/index';
import { importKek, unseal } from '../../src/signing/kek';
import type { TestApp } from '../helpers/test-app';

/** Anything with Hono's `request` (the whole app, or a bare gateway route). */
export interface Fetcher {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

export interface GqlOptions {
  /** The whole Authorization header, for schemes other than Bearer. */
  authorization?: string;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON of `body`. */
  rawBody?: string;
}

/** POST /graphql as a client would send it. */
export async function gql(
  app: Fetcher,
  token: string | undefined,
  body: unknown,
  o: GqlOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...o.headers };
  if (o.authorization !== undefined) headers.authorization = o.authorization;
  else if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return app.request('/graphql', {
    method: 'POST',
    headers,
    body: o.rawBody ?? JSON.stringify(body),
  });
}

/** The query of a request, as JSON `{query}`. */
export const q = (query: string, extra: Record<string, unknown> = {}) => ({ query, ...extra });

/** The RFC 6750 challenge of a response, parsed into its parameters. */
export function challenge(res: Response): { scheme: string; params: Record<string, string> } | null {
  const h = res.headers.get('www-authenticate');
  if (!h) return null;
  const [scheme = '', rest = ''] = h.split(/ (.*)/s);
  const params: Record<string, string> = {};
  for (const m of rest.matchAll(/([a-z_]+)="([^"]*)"/g)) params[m[1] as string] = m[2] as string;
  return { scheme, params };
}

/**
 * Signs an access token with the deployment's real current signing key (unsealed with
 * the KEK, as only someone holding both could): for claims /token would never issue.
 * `header` and `claims` override what the template token carries; `undefined` removes.
 */
export async function signWithCurrentKey(
  t: TestApp,
  template: string,
  o: { header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const kid = t.deps.keyset.currentSigner().kid;
  const [row] = await t.deps.db.select().from(signingKeys).where(eq(signingKeys.kid, kid));
  if (!row?.privateJwkSealed) throw new Error(`signing key ${kid} has no private key`);
  const jwk = await unseal(await importKek(t.kek), kid, row.privateJwkSealed);
  const key = await importJWK(jwk as JWK, row.alg);
  const claims: Record<string, unknown> = { ...decodeJwt(template), ...o.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const header: Record<string, unknown> = { alg: row.alg, kid, typ: 'at+jwt', ...o.header };
  for (const [k, v] of Object.entries(header)) if (v === undefined) delete header[k];
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as { alg: string }).sign(key);
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type UpstreamMode = 'ok' | 'fail' | 'hang' | 'redirect' | 'bad-request';

/** A GraphQL upstream on 127.0.0.1 that records every request it receives. */
export async function startRecordingUpstream() {
  const requests: Recorded[] = [];
  let mode: UpstreamMode = 'ok';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (mode === 'hang') return; // never answers
      if (mode === 'fail') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded: secret internals');
        return;
      }
      if (mode === 'redirect') {
        res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
        return;
      }
      if (mode === 'bad-request') {
        res
          .writeHead(400, { 'content-type': 'application/graphql-response+json' })
          .end(JSON.stringify({ errors: [{ message: 'Cannot query field "moons"' }] }));
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json', 'x-upstream-secret': 'internal' })
        .end(JSON.stringify({ data: { planets: [{ name: 'Mercury' }] }, echo: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    setMode(m: UpstreamMode) {
      mode = m;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
