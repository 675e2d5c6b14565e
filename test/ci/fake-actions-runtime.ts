import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * GitHub Actions' ID-token endpoint as a job sees it, on loopback: GET
 * `$ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with `Authorization: bearer
 * $ACTIONS_ID_TOKEN_REQUEST_TOKEN` answers `{"count":…,"value":"<jwt>"}`. It refuses a
 * wrong bearer (401) and records each audience asked for, so a test checks both.
 */
export interface FakeActionsRuntime {
  /** What the runner puts in the job's environment. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** The audiences asked for, in order. */
  audiences: string[];
  /** Makes the endpoint refuse every request with this status from now on (GitHub's message shape). */
  refuse(status: number, message: string): void;
  close(): Promise<void>;
}

export async function startFakeActionsRuntime(
  /** Mints the ID token for an audience (a fixed string, or a real signed token). */
  idToken: (audience: string) => Promise<string> | string,
): Promise<FakeActionsRuntime> {
  const bearer = `fake-request-token-${crypto.randomUUID()}`;
  const audiences: string[] = [];
  let refusal: { status: number; message: string } | undefined;
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/_apis/idtoken') return send(404, { message: 'not found' });
    if (url.searchParams.get('api-version') !== '2.0') return send(400, { message: 'api-version missing' });
    if (req.headers.authorization !== `bearer ${bearer}`) return send(401, { message: 'Bad credentials' });
    if (refusal) return send(refusal.status, { message: refusal.message });
    const audience = url.searchParams.get('audience');
    if (!audience) return send(400, { message: 'audience missing' });
    audiences.push(audience);
    send(200, { count: 1, value: await idToken(audience) });
  });
  const url = await listen(server);
  return {
    env: {
      // The runtime's URL carries its own query string; the audience is appended with &.
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/_apis/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: bearer,
    },
    audiences,
    refuse: (status, message) => {
      refusal = { status, message };
    },
    close: () => close(server),
  };
}

/**
 * A stand-in for keymint's RFC 8693 exchange at `/token`: it accepts exactly the form a
 * job sends (no client authentication, the expected client id and ID token) and answers
 * keymint's success or error shape. It keeps each form it received.
 */
export interface FakeExchange {
  url: string;
  accessToken: string;
  forms: URLSearchParams[];
  close(): Promise<void>;
}

export async function startFakeExchange(expected: {
  clientId: string;
  idToken: string;
}): Promise<FakeExchange> {
  const accessToken = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ jti: crypto.randomUUID() })).toString('base64url')}.c2ln`;
  const forms: URLSearchParams[] = [];
  const server = createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const fail = (error: string, description: string) =>
      send(error === 'invalid_client' ? 401 : 400, { error, error_description: description });
    if (req.method !== 'POST' || req.url !== '/token') return send(404, {});
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
      return fail('invalid_request', 'the request body must be application/x-www-form-urlencoded');
    const form = new URLSearchParams(await body(req));
    forms.push(form);
    if (req.headers.authorization) return fail('invalid_request', 'a federation presents no client secret');
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:token-exchange')
      return fail('unsupported_grant_type', 'grant_type must be token-exchange');
    if (form.get('subject_token_type') !== 'urn:ietf:params:oauth:token-type:id_token')
      return fail('invalid_request', 'subject_token_type must be an ID token');
    if (form.get('client_id') !== expected.clientId) return fail('invalid_client', 'unknown federation');
    if (form.get('subject_token') !== expected.idToken)
      return fail('invalid_request', 'the subject token\'s "repository_id" is 1, the federation pins 2');
    send(200, {
      access_token: accessToken,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 300,
      scope: form.get('scope') ?? 'read:subjects',
    });
  });
  const url = await listen(server);
  return { url, accessToken, forms, close: () => close(server) };
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}
