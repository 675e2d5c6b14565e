import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/**
 * An OIDC issuer on 127.0.0.1 shaped like GitHub Actions': a discovery document, a
 * JWKS, and ID tokens with every claim GitHub puts in a job's token. Its keys can be
 * rotated and its JWKS endpoint made to fail, hang or answer empty.
 */

export type IssuerAlg = 'RS256' | 'ES256';
export type JwksMode = 'ok' | 'down' | 'empty' | 'hang';

interface SigningKey {
  kid: string;
  alg: IssuerAlg;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface GithubRepo {
  owner: string;
  name: string;
  repositoryId: string;
  ownerId: string;
}

export interface IdTokenOptions {
  /** The time the token is issued at (the test clock's now). */
  now: Date;
  audience?: string | string[];
  repo?: GithubRepo;
  ref?: string;
  /** Adds the environment claim (and GitHub's environment subject). */
  environment?: string;
  eventName?: string;
  /** Claims set or overridden after the GitHub-shaped ones. */
  claims?: Record<string, unknown>;
  /** Claims left out. */
  omit?: string[];
  /** Signed with this algorithm's published key (RS256, as GitHub does, by default). */
  alg?: IssuerAlg;
  /** Signed with a key that is not published, under this kid (or a fresh one). */
  unpublishedKid?: string;
  /** Extra protected-header parameters. */
  header?: Record<string, unknown>;
}

export interface FakeOidcIssuer {
  /** The issuer identifier: its base URL, http on loopback. */
  url: string;
  readonly discoveryFetches: number;
  readonly jwksFetches: number;
  /** The kids currently published. */
  kids(): string[];
  idToken(o: IdTokenOptions): Promise<string>;
  /** A new current key of `alg`; the previous one stays published unless `retirePrevious`. */
  rotate(o?: { alg?: IssuerAlg; retirePrevious?: boolean }): Promise<string>;
  setJwks(mode: JwksMode): void;
  /** The Cache-Control max-age the JWKS answers with (undefined: no header). */
  setJwksMaxAge(seconds: number | undefined): void;
  close(): Promise<void>;
}

export const DEFAULT_REPO: GithubRepo = {
  owner: 'octo-org',
  name: 'octo-repo',
  repositoryId: '123456789',
  ownerId: '987654',
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function newKey(alg: IssuerAlg, kid: string = crypto.randomUUID()): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

/** The claims GitHub Actions puts in a job's ID token, for `repo` at `ref`. */
export function githubClaims(issuer: string, o: IdTokenOptions): Record<string, unknown> {
  const repo = o.repo ?? DEFAULT_REPO;
  const full = `${repo.owner}/${repo.name}`;
  const ref = o.ref ?? 'refs/heads/main';
  const iat = Math.floor(o.now.getTime() / 1000);
  const workflowRef = `${full}/.github/workflows/deploy.yml@${ref}`;
  const sub = o.environment ? `repo:${full}:environment:${o.environment}` : `repo:${full}:ref:${ref}`;
  return {
    jti: crypto.randomUUID(),
    sub,
    aud: o.audience ?? 'https://github.com/octo-org',
    ref,
    sha: 'e2a3c0b1f0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5',
    repository: full,
    repository_owner: repo.owner,
    repository_owner_id: repo.ownerId,
    repository_visibility: 'private',
    repository_id: repo.repositoryId,
    run_id: '6432100007',
    run_number: '42',
    run_attempt: '1',
    actor: 'octocat',
    actor_id: '583231',
    workflow: 'Deploy',
    workflow_ref: workflowRef,
    workflow_sha: 'e2a3c0b1f0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5',
    job_workflow_ref: workflowRef,
    job_workflow_sha: 'e2a3c0b1f0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5',
    head_ref: '',
    base_ref: '',
    event_name: o.eventName ?? 'push',
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: 'true',
    runner_environment: 'github-hosted',
    ...(o.environment ? { environment: o.environment } : {}),
    iss: issuer,
    nbf: iat - 5,
    exp: iat + 300,
    iat,
  };
}

export async function startFakeOidcIssuer(): Promise<FakeOidcIssuer> {
  let keys = [await newKey('RS256'), await newKey('ES256')];
  let jwksMode: JwksMode = 'ok';
  let jwksMaxAge: number | undefined = 600;
  let discoveryFetches = 0;
  let jwksFetches = 0;
  const hanging = new Set<() => void>();

  const server: Server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (req.url === '/.well-known/openid-configuration') {
      discoveryFetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          issuer: base,
          jwks_uri: `${base}/.well-known/jwks`,
          subject_types_supported: ['public', 'pairwise'],
          response_types_supported: ['id_token'],
          claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'repository'],
          id_token_signing_alg_values_supported: ['RS256'],
          scopes_supported: ['openid'],
        }),
      );
      return;
    }
    if (req.url === '/.well-known/jwks') {
      jwksFetches++;
      if (jwksMode === 'hang') {
        // Never answered until the server closes.
        hanging.add(() => res.destroy());
        return;
      }
      if (jwksMode === 'down') {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('unavailable');
        return;
      }
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (jwksMaxAge !== undefined) headers['cache-control'] = `public, max-age=${jwksMaxAge}`;
      res.writeHead(200, headers);
      res.end(JSON.stringify({ keys: jwksMode === 'empty' ? [] : keys.map((k) => k.publicJwk) }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const current = (alg: IssuerAlg) => {
    const k = [...keys].reverse().find((x) => x.alg === alg);
    if (!k) throw new Error(`no ${alg} key published`);
    return k;
  };

  return {
    url,
    get discoveryFetches() {
      return discoveryFetches;
    },
    get jwksFetches() {
      return jwksFetches;
    },
    kids: () => keys.map((k) => k.kid),
    async idToken(o) {
      const alg = o.alg ?? 'RS256';
      const key = o.unpublishedKid !== undefined ? await newKey(alg, o.unpublishedKid) : current(alg);
      const claims = { ...githubClaims(url, o), ...o.claims };
      for (const name of o.omit ?? []) delete claims[name];
      // As GitHub's: typ JWT and the signing key's kid.
      return new SignJWT(claims)
        .setProtectedHeader({ typ: 'JWT', alg, kid: key.kid, ...o.header })
        .sign(key.privateKey);
    },
    async rotate(o = {}) {
      const alg = o.alg ?? 'RS256';
      const next = await newKey(alg);
      keys = o.retirePrevious ? [...keys.filter((k) => k.alg !== alg), next] : [...keys, next];
      return next.kid;
    },
    setJwks(mode) {
      jwksMode = mode;
    },
    setJwksMaxAge(seconds) {
      jwksMaxAge = seconds;
    },
    close: async () => {
      for (const end of hanging) end();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A JWT with `alg: none` and no signature, as a forger would send. */
export function unsignedToken(claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return `${b64({ alg: 'none', typ: 'JWT', ...header })}.${b64(claims)}.`;
}

/** An HS256 JWT keyed with `secret` (a published key's bytes, in the classic confusion attack). */
export function hmacToken(claims: Record<string, unknown>, secret: Uint8Array, kid: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid }).sign(secret);
}
