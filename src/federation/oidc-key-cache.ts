import { importJWK, type JWK } from 'jose';
import { discoverJwksUri } from './oidc-discovery';
import { fetchIssuerJson, OidcFetchError } from './oidc-fetch';

/** Held this long when the JWKS response says nothing; its max-age is kept within the bounds below. */
const DEFAULT_FRESH_MS = 10 * 60_000;
const MIN_FRESH_MS = 60_000;
/** A key the issuer stopped publishing (a compromised one, say) is trusted at most this long. */
const MAX_FRESH_MS = 10 * 60_000;
/** Fetches per issuer start at most this often, however many unknown kids arrive. */
export const REFETCH_COOLDOWN_MS = 30_000;
/**
 * Discovery and JWKS together, so /token still answers within its 4 s deadline with
 * time left for the database and signing.
 */
export const FETCH_BUDGET_MS = 2_500;
const MAX_KEYS = 100;

export type IssuerKeyLookup =
  | { status: 'found'; key: CryptoKey }
  /** The issuer's keys were read and this kid is not among them. */
  | { status: 'unknown' }
  /** The kid names a key that cannot verify this algorithm. */
  | { status: 'unusable'; detail: string }
  /** The keys could not be read and no cached key has this kid. */
  | { status: 'unavailable'; detail: string; retryAfterSeconds: number };

interface IssuerState {
  jwks: Map<string, JWK>;
  imported: Map<string, CryptoKey>;
  jwksUri: string | undefined;
  freshUntil: number;
  lastAttempt: number;
  /** Why the latest fetch failed; undefined once one succeeds. */
  lastError: string | undefined;
  inFlight: Promise<void> | undefined;
}

const ALG_KEY_TYPE: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
};

function signingKeys(body: unknown): Map<string, JWK> {
  const list = (body as { keys?: unknown } | null)?.keys;
  const out = new Map<string, JWK>();
  if (!Array.isArray(list)) return out;
  for (const k of list.slice(0, MAX_KEYS) as JWK[]) {
    if (!k || typeof k !== 'object' || typeof k.kid !== 'string' || typeof k.kty !== 'string') continue;
    if (k.use !== undefined && k.use !== 'sig') continue;
    if (k.kty !== 'RSA' && k.kty !== 'EC') continue;
    // Public members only: a private part published by mistake is never used.
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = k;
    out.set(k.kid, pub);
  }
  return out;
}

/**
 * Verification keys of the federation issuers, per issuer, found through discovery.
 * Keys are held for the JWKS's max-age (bounded); an unknown kid refetches them, at
 * most once per cooldown; a failed or empty fetch keeps the previous keys, so an
 * issuer whose JWKS endpoint is down keeps working for the keys already known. Time
 * comes from the caller (`nowMs`), so one cache serves any clock.
 */
export class OidcKeyCache {
  private readonly issuers = new Map<string, IssuerState>();

  async lookup(issuer: string, kid: string, alg: string, nowMs: number): Promise<IssuerKeyLookup> {
    const s = this.state(issuer);
    const stale = s.jwks.size === 0 || nowMs >= s.freshUntil || !s.jwks.has(kid);
    if (stale && (s.inFlight || nowMs - s.lastAttempt >= REFETCH_COOLDOWN_MS))
      await this.refresh(issuer, s, nowMs);
    const jwk = s.jwks.get(kid);
    if (!jwk) {
      if (s.lastError === undefined) return { status: 'unknown' };
      const wait = Math.ceil((s.lastAttempt + REFETCH_COOLDOWN_MS - nowMs) / 1000);
      return { status: 'unavailable', detail: s.lastError, retryAfterSeconds: Math.max(1, wait) };
    }
    return this.imported(s, kid, jwk, alg);
  }

  private state(issuer: string): IssuerState {
    let s = this.issuers.get(issuer);
    if (!s) {
      s = {
        jwks: new Map(),
        imported: new Map(),
        jwksUri: undefined,
        freshUntil: 0,
        lastAttempt: Number.NEGATIVE_INFINITY,
        lastError: undefined,
        inFlight: undefined,
      };
      this.issuers.set(issuer, s);
    }
    return s;
  }

  /**
   * One fetch at a time per issuer; callers arriving meanwhile share it. Each waits at
   * most the fetch budget: on Workers the fetch belongs to the request that started it.
   */
  private async refresh(issuer: string, s: IssuerState, nowMs: number): Promise<void> {
    if (!s.inFlight) {
      s.lastAttempt = nowMs;
      s.inFlight = this.fetchKeys(issuer, s, nowMs).finally(() => {
        s.inFlight = undefined;
      });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, FETCH_BUDGET_MS + 100);
    });
    await Promise.race([s.inFlight, giveUp]);
    clearTimeout(timer);
  }

  private async fetchKeys(issuer: string, s: IssuerState, nowMs: number): Promise<void> {
    const signal = AbortSignal.timeout(FETCH_BUDGET_MS);
    try {
      let jwksUri: string;
      try {
        jwksUri = await discoverJwksUri(issuer, signal);
      } catch (e) {
        // A discovery outage need not hide keys whose URL is already known.
        if (!s.jwksUri || signal.aborted) throw e;
        jwksUri = s.jwksUri;
      }
      const { body, maxAge } = await fetchIssuerJson(jwksUri, signal);
      const jwks = signingKeys(body);
      if (jwks.size === 0) throw new OidcFetchError(`${jwksUri} lists no RSA or EC signing keys`);
      s.jwksUri = jwksUri;
      s.jwks = jwks;
      s.imported = new Map();
      const fresh = maxAge === undefined ? DEFAULT_FRESH_MS : maxAge * 1000;
      s.freshUntil = nowMs + Math.min(MAX_FRESH_MS, Math.max(MIN_FRESH_MS, fresh));
      s.lastError = undefined;
    } catch (e) {
      s.lastError = e instanceof OidcFetchError ? e.message : 'the fetch failed';
    }
  }

  private async imported(s: IssuerState, kid: string, jwk: JWK, alg: string): Promise<IssuerKeyLookup> {
    const want = ALG_KEY_TYPE[alg];
    if (!want || jwk.kty !== want.kty || (want.crv && jwk.crv !== want.crv) || (jwk.alg && jwk.alg !== alg)) {
      return { status: 'unusable', detail: `the issuer's key ${kid} is not a ${alg} key` };
    }
    const id = `${kid}\n${alg}`;
    let key = s.imported.get(id);
    if (!key) {
      try {
        key = (await importJWK(jwk, alg)) as CryptoKey;
      } catch {
        return { status: 'unusable', detail: `the issuer's key ${kid} could not be read as a ${alg} key` };
      }
      s.imported.set(id, key);
    }
    return { status: 'found', key };
  }
}
