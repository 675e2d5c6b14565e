import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../helpers/listening-server';
import { basicAuth } from '../../helpers/oauth-client';
import type { TestApp } from '../../helpers/test-app';

/**
 * A Python resource server (PyJWT's PyJWKClient + jwt.decode) verifies keymint tokens
 * through the JWKS over real HTTP. Needs /usr/bin/python3 with Debian's python3-jwt and
 * python3-cryptography; without them every test here fails with a message saying so.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../pyjwt_verify.py', import.meta.url));
const INSTALL_HINT = 'install it with: apt-get install -y python3-jwt python3-cryptography';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      // A non-numeric code means python3 could not be started at all (ENOENT, timeout).
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || error?.message || '' });
    });
  });
}

type Server = TestApp & { url: string };
const algs = ['RS256', 'ES256', 'EdDSA'] as const;
type Alg = (typeof algs)[number];
const servers = new Map<Alg, { t: Server; org: { id: string }; key: { clientId: string; secret: string } }>();

beforeAll(async () => {
  for (const alg of algs) {
    const t = await startTestServer({ SIGNING_ALG: alg });
    const org = await t.newOrg(`pyjwt-${alg.toLowerCase()}`);
    const key = await t.newKey(org.id, { scopes: ['read:subjects', 'read:keys'] });
    servers.set(alg, { t, org, key });
  }
});
afterAll(async () => {
  for (const { t } of servers.values()) await t.close();
});

function server(alg: Alg) {
  const s = servers.get(alg);
  if (!s) throw new Error(`no server for ${alg}`);
  return s;
}

async function fetchToken(alg: Alg): Promise<string> {
  const { t, key } = server(alg);
  const res = await fetch(`${t.url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth(key.clientId, key.secret),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:subjects read:keys' }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function pyjwtVerify(alg: Alg, token: string, audience?: string): Promise<Run> {
  const { t } = server(alg);
  return run([SCRIPT, `${t.url}/.well-known/jwks.json`, token, t.url, audience ?? t.url]);
}

/** One character of the payload changed (the last of `sub`), still valid JSON. */
function tamper(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const json = Buffer.from(p, 'base64url').toString();
  const end = json.indexOf('"', json.indexOf('"sub":"') + '"sub":"'.length);
  const forged = `${json.slice(0, end - 1)}${json[end - 1] === 'A' ? 'B' : 'A'}${json.slice(end)}`;
  expect(forged).not.toBe(json);
  return `${h}.${Buffer.from(forged).toString('base64url')}.${s}`;
}

it(`${PYTHON} can import PyJWT with cryptography`, async () => {
  const r = await run(['-c', 'import jwt, cryptography; print(jwt.__version__)']);
  expect(r.code, `PyJWT is not importable by ${PYTHON}: ${r.stderr.trim()} — ${INSTALL_HINT}`).toBe(0);
});

describe.each(algs)('PyJWT PyJWKClient + jwt.decode, SIGNING_ALG=%s', (alg) => {
  it('verifies the token and reads every contract claim', async () => {
    const { t, org, key } = server(alg);
    const r = await pyjwtVerify(alg, await fetchToken(alg));
    expect(r.code, `pyjwt_verify.py failed: ${r.stderr.trim()}`).toBe(0);
    const { header, claims } = JSON.parse(r.stdout);
    expect(header).toMatchObject({ alg, typ: 'at+jwt' });
    expect(claims).toMatchObject({
      iss: t.url,
      aud: t.url,
      sub: key.clientId,
      client_id: key.clientId,
      org_id: org.id,
      scope: 'read:subjects read:keys',
    });
    expect(claims.jti).toEqual(expect.any(String));
    expect(claims.exp - claims.iat).toBe(300);
  });

  it('refuses a token with one payload character changed', async () => {
    const r = await pyjwtVerify(alg, tamper(await fetchToken(alg)));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/InvalidSignatureError/);
  });

  it('refuses a token for another audience', async () => {
    const r = await pyjwtVerify(alg, await fetchToken(alg), 'https://other.example');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/InvalidAudienceError/);
  });
});
