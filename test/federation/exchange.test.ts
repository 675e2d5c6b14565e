import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federations, usageHourly } from '../../src/db/schema/index';
import { federationContext } from '../../src/federation/federation-service-context';
import { revokeFederation } from '../../src/federation/revoke-federation';
import { updateFederation } from '../../src/federation/update-federation';
import { basicAuth } from '../helpers/oauth-client';
import {
  ACCESS_TOKEN_TYPE,
  type ExchangeSetup,
  exchangeSetup,
  expectRefusal,
  type Federation,
  JWT_BEARER,
  JWT_TOKEN_TYPE,
  TOKEN_EXCHANGE,
  verifyWithJwks,
} from './exchange-setup';
import {
  DEFAULT_REPO,
  type FakeOidcIssuer,
  hmacToken,
  startFakeOidcIssuer,
  unsignedToken,
} from './fake-oidc-issuer';

// RFC 8693 token exchange and the RFC 7523 jwt-bearer form at POST /token: a GitHub
// Actions job's ID token (from a fake issuer on loopback) for a keymint access token.

let s: ExchangeSetup;
/** Trusted too (FEDERATION_ISSUERS), but no federation below names it. */
let otherTrusted: FakeOidcIssuer;
/** Not in FEDERATION_ISSUERS at all. */
let untrusted: FakeOidcIssuer;
let fed: Federation;

beforeAll(async () => {
  otherTrusted = await startFakeOidcIssuer();
  untrusted = await startFakeOidcIssuer();
  s = await exchangeSetup({}, [otherTrusted]);
  fed = await s.newFederation();
});
afterAll(async () => {
  await s?.close();
  await otherTrusted?.close();
  await untrusted?.close();
});

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString());

describe('a job exchanges its ID token', () => {
  it('gets an access token through RFC 8693 token exchange, with the §3 response and issued_token_type', async () => {
    const res = await s.exchange({ client_id: fed.clientId, subject_token: await s.idToken() });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = JSON.parse(text);
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'read:subjects write:subjects',
      issued_token_type: ACCESS_TOKEN_TYPE,
    });

    // A resource server checking it with jose against keymint's JWKS sees the federation.
    const claims = await verifyWithJwks(s.t, body.access_token);
    expect(claims.sub).toBe(fed.clientId);
    expect(claims.client_id).toBe(fed.clientId);
    expect(claims.org_id).toBe(s.org.id);
    expect(claims.scope).toBe('read:subjects write:subjects');
    expect(claims.aud).toBe(s.t.config.apiAudience);
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
  });

  it('accepts the jwt token type for the same ID token', async () => {
    const res = await s.exchange({
      client_id: fed.clientId,
      subject_token: await s.idToken(),
      subject_token_type: JWT_TOKEN_TYPE,
      requested_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()).issued_token_type).toBe(ACCESS_TOKEN_TYPE);
  });

  it('gets an access token through the RFC 7523 jwt-bearer form', async () => {
    const res = await s.jwtBearer({ client_id: fed.clientId, assertion: await s.idToken() });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body.issued_token_type).toBe(ACCESS_TOKEN_TYPE);
    const claims = await verifyWithJwks(s.t, body.access_token);
    expect([claims.sub, claims.client_id, claims.org_id]).toEqual([fed.clientId, fed.clientId, s.org.id]);
  });

  it('accepts an ES256-signed ID token', async () => {
    const res = await s.exchange({
      client_id: fed.clientId,
      subject_token: await s.idToken({ alg: 'ES256' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('narrows to the requested scope, honours audience/resource rules and the federation lifetime', async () => {
    const short = await s.newFederation({ scopes: ['read:*'], tokenTtlSeconds: 120 });
    const res = await s.exchange({
      client_id: short.clientId,
      subject_token: await s.idToken(),
      scope: 'read:keys openid',
      resource: s.t.config.apiAudience,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = await res.json();
    expect(body.scope).toBe('read:keys');
    expect(body.expires_in).toBe(120);
    const claims = claimsOf(body.access_token);
    expect(claims.exp - claims.iat).toBe(120);

    // Without scope: every catalog scope the federation's grant covers, as for keys.
    const all = await (
      await s.exchange({ client_id: short.clientId, subject_token: await s.idToken() })
    ).json();
    expect(all.scope.split(' ')).toEqual(s.t.deps.catalog.filter((x) => x.startsWith('read:')));
  });

  it('counts the token in metrics and usage, and marks the federation used', async () => {
    const counted = await s.newFederation();
    const res = await s.jwtBearer({ client_id: counted.clientId, assertion: await s.idToken() });
    expect(res.status).toBe(200);
    const bad = await s.exchange({
      client_id: counted.clientId,
      subject_token: await s.idToken({ claims: { repository_id: '1' } }),
    });
    expect(bad.status).toBe(400);

    const [row] = await s.t.deps.db.select().from(federations).where(eq(federations.id, counted.id));
    expect(row?.lastUsedAt?.getTime()).toBe(s.t.clock.now().getTime());
    await s.t.deps.usage.flush(s.t.deps.db);
    const [usage] = await s.t.deps.db.select().from(usageHourly).where(eq(usageHourly.keyId, counted.id));
    expect([usage?.issued, usage?.refused, usage?.orgId]).toEqual([1, 1, s.org.id]);

    const metrics = await (await s.t.app.request('/metrics')).text();
    expect(metrics).toMatch(
      /keymint_tokens_issued_total\{grant="urn:ietf:params:oauth:grant-type:jwt-bearer"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /keymint_tokens_issued_total\{grant="urn:ietf:params:oauth:grant-type:token-exchange"\} [1-9]/,
    );
  });

  it('is advertised: grant_types_supported lists both grants once', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
      const metadata = await (await s.t.app.request(path)).json();
      const grants = metadata.grant_types_supported as string[];
      expect(grants).toContain('client_credentials');
      expect(grants.filter((g) => g === TOKEN_EXCHANGE)).toHaveLength(1);
      expect(grants.filter((g) => g === JWT_BEARER)).toHaveLength(1);
    }
  });
});

describe('the request itself', () => {
  it('refuses a missing subject token, other subject token types and other requested token types', async () => {
    const token = await s.idToken();
    const cases: [Record<string, string>, RegExp][] = [
      [{ client_id: fed.clientId }, /subject_token is required/],
      [{ client_id: fed.clientId, subject_token: token, subject_token_type: '' }, /subject_token_type/],
      [
        {
          client_id: fed.clientId,
          subject_token: token,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        },
        /subject_token_type must name an OIDC ID token/,
      ],
      [
        {
          client_id: fed.clientId,
          subject_token: token,
          subject_token_type: 'urn:ietf:params:oauth:token-type:saml2',
        },
        /subject_token_type/,
      ],
      [
        {
          client_id: fed.clientId,
          subject_token: token,
          requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
        },
        /requested_token_type: only access tokens/,
      ],
      [{ client_id: fed.clientId, subject_token: token, actor_token: token }, /actor_token is not supported/],
    ];
    for (const [params, message] of cases) {
      expect(await expectRefusal(await s.exchange(params), 400, 'invalid_request')).toMatch(message);
    }
    const noAssertion = await s.jwtBearer({ client_id: fed.clientId });
    expect(await expectRefusal(noAssertion, 400, 'invalid_request')).toMatch(/assertion is required/);
    // None of these spent the token.
    expect((await s.exchange({ client_id: fed.clientId, subject_token: token })).status).toBe(200);
  });

  it('refuses a scope beyond the federation and an unknown audience, without spending the token', async () => {
    const token = await s.idToken();
    await expectRefusal(
      await s.exchange({ client_id: fed.clientId, subject_token: token, scope: 'write:keys' }),
      400,
      'invalid_scope',
    );
    await expectRefusal(
      await s.exchange({
        client_id: fed.clientId,
        subject_token: token,
        audience: 'https://elsewhere.example',
      }),
      400,
      'invalid_target',
    );
    expect((await s.exchange({ client_id: fed.clientId, subject_token: token })).status).toBe(200);
  });
});

describe('the federation as client', () => {
  it('refuses a client secret or Basic credentials presented for a federation (invalid_client)', async () => {
    const inBody = await s.exchange({
      client_id: fed.clientId,
      client_secret: 'kms_anything',
      subject_token: await s.idToken(),
    });
    expect(await expectRefusal(inBody, 401, 'invalid_client')).toMatch(/ID token alone/);
    expect(inBody.headers.get('www-authenticate')).toMatch(/^Basic realm=/);

    const basic = await s.exchange(
      { subject_token: await s.idToken() },
      { headers: { authorization: basicAuth(fed.clientId, 'kms_anything') } },
    );
    await expectRefusal(basic, 401, 'invalid_client');
    const bearer = await s.jwtBearer({
      client_id: fed.clientId,
      assertion: await s.idToken(),
      client_secret: 'x',
    });
    await expectRefusal(bearer, 401, 'invalid_client');
  });

  it('refuses a missing or unknown client_id, and an API key id, with invalid_client', async () => {
    const token = await s.idToken();
    expect(await expectRefusal(await s.exchange({ subject_token: token }), 401, 'invalid_client')).toMatch(
      /client_id is required/,
    );
    for (const clientId of [
      'kmf_0000000000000000000000',
      'kmf_short',
      (await s.t.newKey(s.org.id)).clientId,
    ]) {
      const res = await s.exchange({ client_id: clientId, subject_token: token });
      expect(await expectRefusal(res, 401, 'invalid_client')).toBe('unknown federation client_id');
    }
  });

  it('refuses a disabled federation until it is enabled again, and a revoked one for good', async () => {
    const ctx = () => federationContext(s.t.ctx(), s.t.config);
    const paused = await s.newFederation();
    await updateFederation(ctx(), s.org.id, paused.id, { enabled: false });
    const token = await s.idToken();
    const res = await s.exchange({ client_id: paused.clientId, subject_token: token });
    expect(await expectRefusal(res, 401, 'invalid_client')).toBe('this federation is disabled');
    await updateFederation(ctx(), s.org.id, paused.id, { enabled: true });
    // The refusal did not spend the token.
    expect((await s.exchange({ client_id: paused.clientId, subject_token: token })).status).toBe(200);

    const gone = await s.newFederation();
    await revokeFederation(ctx(), s.org.id, gone.clientId);
    for (const send of [
      () => s.exchange({ client_id: gone.clientId, subject_token: token }),
      async () => s.jwtBearer({ client_id: gone.clientId, assertion: await s.idToken() }),
    ]) {
      expect(await expectRefusal(await send(), 401, 'invalid_client')).toBe('this federation is revoked');
    }
  });
});

describe('every check of the ID token, in order, naming the first that fails', () => {
  const refused = async (token: string, federation: Federation = fed) => {
    const res = await s.exchange({ client_id: federation.clientId, subject_token: token });
    return expectRefusal(res, 400, 'invalid_request');
  };

  it('refuses what is not a signed JWT', async () => {
    for (const token of ['not-a-jwt', 'a.b.c', 'eyJhbGciOiJSUzI1NiJ9.e30.e30.e30.e30']) {
      expect(await refused(token)).toMatch(
        /^subject token refused: it is not a signed JWT .*claims seen: none/,
      );
    }
  });

  it('refuses an issuer FEDERATION_ISSUERS does not list, before fetching anything from it', async () => {
    const token = await untrusted.idToken({ now: s.t.clock.now(), audience: s.t.config.issuerUrl });
    expect(await refused(token)).toMatch(
      new RegExp(`issuer "${untrusted.url}" is not one this server trusts \\(FEDERATION_ISSUERS\\)`),
    );
    expect(untrusted.discoveryFetches + untrusted.jwksFetches).toBe(0);
  });

  it('refuses a trusted issuer that is not the federation’s', async () => {
    const token = await otherTrusted.idToken({ now: s.t.clock.now(), audience: s.t.config.issuerUrl });
    expect(await refused(token)).toContain(
      `issuer is "${otherTrusted.url}" but this federation trusts "${s.issuer.url}"`,
    );
  });

  it('refuses unsigned, alg none and HS256 tokens (even keyed with the issuer’s public key)', async () => {
    const claims = claimsOf(await s.idToken());
    const kid = s.issuer.kids()[0] as string;
    expect(await refused(unsignedToken(claims, { kid }))).toMatch(
      /signature algorithm "none" is not accepted \(RS256 or ES256 only\)/,
    );
    const jwks = await (await fetch(`${s.issuer.url}/.well-known/jwks`)).json();
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(jwks.keys[0]));
    expect(await refused(await hmacToken(claims, publicKeyBytes, kid))).toMatch(
      /signature algorithm "HS256" is not accepted/,
    );
    // The signature of a real token cut off.
    const real = await s.idToken();
    expect(await refused(`${real.split('.').slice(0, 2).join('.')}.`)).toMatch(/signature does not verify/);
  });

  it('refuses a token signed by a key the issuer does not publish, and a forged signature under a published kid', async () => {
    expect(await refused(await s.idToken({ unpublishedKid: 'not-published' }))).toMatch(
      /signing key "not-published" is not among the issuer's published keys/,
    );
    const published = s.issuer.kids()[0] as string;
    expect(await refused(await s.idToken({ unpublishedKid: published }))).toMatch(
      new RegExp(`the signature does not verify with the issuer's key "${published}"`),
    );
    const tampered = (await s.idToken()).split('.');
    const claims = { ...claimsOf(tampered.join('.')), repository_id: DEFAULT_REPO.repositoryId, aud: 'x' };
    tampered[1] = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(await refused(tampered.join('.'))).toMatch(/signature does not verify/);
  });

  it('refuses expired, not yet valid, future-issued and too old tokens (60 s leeway)', async () => {
    const now = Math.floor(s.t.clock.now().getTime() / 1000);
    expect(await refused(await s.idToken({ claims: { exp: now - 61 } }))).toMatch(
      /it expired at .*60 s leeway/,
    );
    expect(await refused(await s.idToken({ claims: { nbf: now + 61 } }))).toMatch(/it is not valid before/);
    expect(await refused(await s.idToken({ claims: { iat: now + 61 } }))).toMatch(/issued in the future/);
    expect(await refused(await s.idToken({ claims: { iat: now - 661, exp: now + 60 } }))).toMatch(
      /more than 10 minutes ago; request a fresh one/,
    );
    expect(await refused(await s.idToken({ omit: ['exp'] }))).toMatch(/claim exp is missing/);
    // Within the leeway on every side: accepted.
    const edge = await s.idToken({ claims: { exp: now - 59, nbf: now + 59, iat: now + 59 } });
    expect((await s.exchange({ client_id: fed.clientId, subject_token: edge })).status).toBe(200);
  });

  it('refuses a wrong audience, two audiences even if one matches, and GitHub’s default audience', async () => {
    const mine = s.t.config.issuerUrl;
    expect(await refused(await s.idToken({ audience: 'https://other.example' }))).toContain(
      `audience is "https://other.example" but this federation requires "${mine}"`,
    );
    expect(await refused(await s.idToken({ audience: [mine, 'https://other.example'] }))).toContain(
      `it must carry exactly one audience, "${mine}"`,
    );
    const github = await refused(await s.idToken({ audience: 'https://github.com/octo-org' }));
    expect(github).toContain(
      `audience is "https://github.com/octo-org" but this federation requires "${mine}"`,
    );
    expect(github).toContain("GitHub's default audience");
    // One audience in an array is one audience.
    expect(
      (await s.exchange({ client_id: fed.clientId, subject_token: await s.idToken({ audience: [mine] }) }))
        .status,
    ).toBe(200);
  });

  it('refuses each pinned claim that differs, naming it, its value and the one required', async () => {
    const strict = await s.newFederation({
      subject: 'repo:octo-org/octo-repo:environment:production',
      claims: {
        repository_id: DEFAULT_REPO.repositoryId,
        repository_owner_id: DEFAULT_REPO.ownerId,
        ref: 'refs/heads/main',
        environment: 'production',
        workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
        job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
        event_name: 'push',
      },
    });
    const good = { environment: 'production' };
    const wrong: [string, string][] = [
      ['repository_id', '123456780'],
      ['repository_owner_id', '1'],
      ['ref', 'refs/heads/feature'],
      ['environment', 'staging'],
      ['workflow_ref', 'octo-org/octo-repo/.github/workflows/other.yml@refs/heads/main'],
      ['job_workflow_ref', 'octo-org/shared/.github/workflows/deploy.yml@refs/heads/main'],
      ['event_name', 'pull_request_target'],
    ];
    for (const [name, value] of wrong) {
      const description = await refused(await s.idToken({ ...good, claims: { [name]: value } }), strict);
      expect(description).toContain(
        `claim ${name} is "${value}" but this federation requires "${(await claimOf(strict, name)) ?? ''}"`,
      );
      expect(description).toContain(`${name}=${value}`);
    }
    expect(await refused(await s.idToken({ ...good, omit: ['environment'] }), strict)).toContain(
      'claim environment is missing but this federation requires "production"',
    );
    const ok = await s.exchange({ client_id: strict.clientId, subject_token: await s.idToken(good) });
    expect(ok.status, await ok.clone().text()).toBe(200);
  });

  it('refuses a repository deleted and re-registered under the same name: same repository, new repository_id', async () => {
    const impostor = { ...DEFAULT_REPO, repositoryId: '700000001' };
    const token = await s.idToken({ repo: impostor });
    expect(claimsOf(token).repository).toBe('octo-org/octo-repo');
    const description = await refused(token);
    expect(description).toBe(
      `subject token refused: claim repository_id is "700000001" but this federation requires "${DEFAULT_REPO.repositoryId}" ` +
        `(claims seen: iss=${s.issuer.url}, aud=${s.t.config.issuerUrl}, sub=repo:octo-org/octo-repo:ref:refs/heads/main, ` +
        `repository_id=700000001, repository_owner_id=${DEFAULT_REPO.ownerId})`,
    );
  });

  it('compares numeric claims as their decimal text', async () => {
    const numeric = await s.idToken({
      claims: {
        repository_id: Number(DEFAULT_REPO.repositoryId),
        repository_owner_id: Number(DEFAULT_REPO.ownerId),
      },
    });
    expect((await s.exchange({ client_id: fed.clientId, subject_token: numeric })).status).toBe(200);
    expect(await refused(await s.idToken({ claims: { repository_id: true } }))).toContain(
      'claim repository_id is "true" (boolean) but this federation requires',
    );
  });

  it('refuses a subject the pattern does not match; * stays within one part', async () => {
    expect(await refused(await s.idToken({ ref: 'refs/heads/feature' }))).toContain(
      'subject "repo:octo-org/octo-repo:ref:refs/heads/feature" does not match this federation\'s pattern "repo:octo-org/octo-repo:ref:refs/heads/main"',
    );
    const branches = await s.newFederation({ subject: 'repo:octo-org/octo-repo:ref:refs/heads/*' });
    const feature = await s.idToken({ ref: 'refs/heads/feature' });
    expect((await s.exchange({ client_id: branches.clientId, subject_token: feature })).status).toBe(200);
    const wide = await s.newFederation({ subject: 'repo:octo-org/*' });
    expect(await refused(await s.idToken(), wide)).toMatch(
      /does not match this federation's pattern "repo:octo-org\/\*"/,
    );
  });

  it('refuses a token without jti', async () => {
    expect(await refused(await s.idToken({ omit: ['jti'] }))).toMatch(/claim jti is missing/);
  });

  it('names the first failed check when several fail', async () => {
    const now = Math.floor(s.t.clock.now().getTime() / 1000);
    const many = await s.idToken({
      audience: 'https://other.example',
      ref: 'refs/heads/x',
      claims: { repository_id: '1', exp: now - 3600, iat: now - 3900 },
    });
    expect(await refused(many)).toMatch(/^subject token refused: it expired at/);
    const fresh = await s.idToken({ audience: 'https://other.example', claims: { repository_id: '1' } });
    expect(await refused(fresh)).toMatch(/^subject token refused: audience is/);
  });

  it('echoes the claims it saw but never the token or its signature', async () => {
    const token = await s.idToken({ claims: { repository_owner_id: '42' } });
    const description = await refused(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    for (const part of [token, header, payload, signature]) expect(description).not.toContain(part);
    expect(description).toMatch(
      /\(claims seen: iss=http:\/\/127\.0\.0\.1:\d+, aud=http:\/\/issuer\.test, sub=repo:octo-org\/octo-repo:ref:refs\/heads\/main, repository_id=123456789, repository_owner_id=42\)$/,
    );
  });

  it('answers the jwt-bearer form with the same checks, as invalid_grant (RFC 7523 §3.1)', async () => {
    const res = await s.jwtBearer({
      client_id: fed.clientId,
      assertion: await s.idToken({ claims: { repository_id: '5' } }),
    });
    expect(await expectRefusal(res, 400, 'invalid_grant')).toMatch(
      /^assertion refused: claim repository_id is "5" but this federation requires "123456789" \(claims seen: /,
    );
  });
});

async function claimOf(f: Federation, name: string): Promise<string | undefined> {
  const [row] = await s.t.deps.db.select().from(federations).where(eq(federations.id, f.id));
  return row?.claims[name];
}
