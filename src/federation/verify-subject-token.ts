import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type ProtectedHeaderParameters,
} from 'jose';
import type { FederationRow } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { FEDERATION_CLAIM_NAMES } from './federation-fields';
import { isGithubDefaultAudience } from './github-issuer';
import type { OidcKeyCache } from './oidc-key-cache';
import { matchesSubjectPattern } from './subject-pattern';
import { claimsSeen, shownValue } from './verify-claims-seen';

/** Clock skew allowed on exp, nbf and iat: the issuer's clock is not ours. */
export const SUBJECT_TOKEN_LEEWAY_SECONDS = 60;
/**
 * An ID token older than this is refused even before its exp. A job asks for its token
 * right before the exchange (GitHub's live for minutes), so only a token kept or
 * stolen gets older; the bound also caps how long a jti must be remembered.
 */
export const SUBJECT_TOKEN_MAX_AGE_SECONDS = 10 * 60;
/** Asymmetric only: none and HMAC (which a public key could forge) never verify a subject token. */
export const SUBJECT_TOKEN_ALGS = ['RS256', 'ES256'] as const;
const MAX_JTI_CHARS = 256;

export interface VerifiedSubjectToken {
  /** `jti`, to be consumed once every other check has passed. */
  jti: string;
  sub: string;
  /** Until when the token could still be accepted: its jti must be remembered that long. */
  usableUntil: Date;
  /** The "claims seen: …" text, for a refusal that comes later (a replay). */
  seen: string;
}

export interface SubjectTokenCheck {
  token: string;
  federation: Pick<FederationRow, 'issuer' | 'audience' | 'claims' | 'subject'>;
  /** FEDERATION_ISSUERS. */
  allowedIssuers: readonly string[];
  keys: OidcKeyCache;
  now: Date;
  /** How the request names the token: "subject token" or "assertion". */
  label: string;
}

const iso = (s: number) => (Number.isFinite(s) ? new Date(s * 1000).toISOString() : String(s));
const quoted = (v: unknown) => (v === undefined ? 'missing' : `"${shownValue(v)}"`);

/** The policy's field order (the ids first), so "the first failed check" is the same every time. */
function pinnedOrder(names: string[]): string[] {
  const known = FEDERATION_CLAIM_NAMES as readonly string[];
  const rank = (n: string) => (known.includes(n) ? known.indexOf(n) : known.length);
  return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The claim as a pinned value compares to it: strings as they are, numbers as their decimal text. */
function comparable(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/**
 * Checks an OIDC ID token against a federation, in this order, and names the first
 * check that fails (with the claims it saw): format, issuer (allowed and the
 * federation's), signature, time, audience, pinned claims, subject pattern, jti
 * present. Consuming the jti is the caller's last step, so a token refused for any
 * reason keeps its jti. Throws DomainError: `validation` for a refused token,
 * `unavailable` when the issuer's keys cannot be read for a kid not in the cache.
 */
export async function verifySubjectToken(c: SubjectTokenCheck): Promise<VerifiedSubjectToken> {
  const pinned = pinnedOrder(Object.keys(c.federation.claims));
  let payload: JWTPayload | undefined;
  const refuse = (check: string) =>
    new DomainError('validation', `${c.label} refused: ${check} (${claimsSeen(payload, pinned)})`);

  // Format.
  let header: ProtectedHeaderParameters;
  try {
    if (c.token.split('.').length !== 3) throw new Error('not a JWS');
    header = decodeProtectedHeader(c.token);
    payload = decodeJwt(c.token);
  } catch {
    payload = undefined;
    throw refuse('it is not a signed JWT (three base64url parts: header, claims, signature)');
  }

  // Issuer: one this server trusts, and the one this federation names.
  const { iss } = payload;
  if (typeof iss !== 'string') throw refuse('claim iss is missing');
  if (!c.allowedIssuers.includes(iss)) {
    throw refuse(`issuer "${shownValue(iss)}" is not one this server trusts (FEDERATION_ISSUERS)`);
  }
  if (iss !== c.federation.issuer) {
    throw refuse(`issuer is "${shownValue(iss)}" but this federation trusts "${c.federation.issuer}"`);
  }

  // Signature.
  const alg = header.alg;
  if (typeof alg !== 'string' || !(SUBJECT_TOKEN_ALGS as readonly string[]).includes(alg)) {
    throw refuse(
      `signature algorithm ${quoted(alg)} is not accepted (${SUBJECT_TOKEN_ALGS.join(' or ')} only)`,
    );
  }
  if (typeof header.kid !== 'string' || header.kid === '')
    throw refuse('the token header names no key (kid)');
  const found = await c.keys.lookup(iss, header.kid, alg, c.now.getTime());
  if (found.status === 'unavailable') {
    throw new DomainError('unavailable', `the issuer's keys could not be fetched: ${found.detail}`, {
      retryAfter: found.retryAfterSeconds,
    });
  }
  if (found.status === 'unknown') {
    throw refuse(`signing key "${shownValue(header.kid)}" is not among the issuer's published keys`);
  }
  if (found.status === 'unusable') throw refuse(found.detail);
  try {
    await compactVerify(c.token, found.key, { algorithms: [alg] });
  } catch {
    throw refuse(`the signature does not verify with the issuer's key "${shownValue(header.kid)}"`);
  }

  // Time, with leeway for the issuer's clock.
  const now = c.now.getTime() / 1000;
  const leeway = SUBJECT_TOKEN_LEEWAY_SECONDS;
  const { exp, nbf, iat } = payload;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw refuse('claim exp is missing or not a number');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw refuse('claim iat is missing or not a number');
  if (nbf !== undefined && (typeof nbf !== 'number' || !Number.isFinite(nbf)))
    throw refuse('claim nbf is not a number');
  if (now > exp + leeway) throw refuse(`it expired at ${iso(exp)} (now ${iso(now)}, ${leeway} s leeway)`);
  if (nbf !== undefined && now < nbf - leeway)
    throw refuse(`it is not valid before ${iso(nbf)} (now ${iso(now)}, ${leeway} s leeway)`);
  if (iat > now + leeway) throw refuse(`it was issued in the future, at ${iso(iat)} (now ${iso(now)})`);
  if (now - iat > SUBJECT_TOKEN_MAX_AGE_SECONDS + leeway) {
    throw refuse(
      `it was issued at ${iso(iat)}, more than ${SUBJECT_TOKEN_MAX_AGE_SECONDS / 60} minutes ago; request a fresh one`,
    );
  }

  // Audience: exactly one, the federation's.
  const aud = payload.aud;
  const auds = Array.isArray(aud) ? aud : [aud];
  if (auds.length !== 1 || typeof auds[0] !== 'string') {
    throw refuse(`it must carry exactly one audience, "${c.federation.audience}"`);
  }
  if (auds[0] !== c.federation.audience) {
    const githubDefault = isGithubDefaultAudience(auds[0])
      ? ` (GitHub's default audience: request the token with audience ${c.federation.audience})`
      : '';
    throw refuse(
      `audience is "${shownValue(auds[0])}" but this federation requires "${c.federation.audience}"${githubDefault}`,
    );
  }

  // Pinned claims, exactly.
  for (const name of pinned) {
    const want = c.federation.claims[name] as string;
    const got = payload[name];
    if (comparable(got) !== want) {
      const seen =
        got === undefined
          ? 'missing'
          : `${quoted(got)}${comparable(got) === undefined ? ` (${typeof got})` : ''}`;
      throw refuse(`claim ${name} is ${seen} but this federation requires "${want}"`);
    }
  }

  // Subject pattern.
  const sub = payload.sub;
  if (typeof sub !== 'string') throw refuse('claim sub is missing');
  if (!matchesSubjectPattern(c.federation.subject, sub)) {
    throw refuse(
      `subject "${shownValue(sub)}" does not match this federation's pattern "${c.federation.subject}"`,
    );
  }

  // jti: present here; consumed by the caller, last.
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_CHARS) {
    throw refuse('claim jti is missing or malformed (every ID token must be single-use)');
  }
  const usableUntil = Math.min(exp, iat + SUBJECT_TOKEN_MAX_AGE_SECONDS) + leeway;
  return {
    jti,
    sub,
    usableUntil: new Date(Math.ceil(usableUntil) * 1000),
    seen: claimsSeen(payload, pinned),
  };
}
