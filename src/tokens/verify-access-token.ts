import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ACCESS_TOKEN_TYP, type AccessTokenClaims } from '../signing/access-token';
import { SIGNING_ALGS } from '../signing/algorithms';

/**
 * Clock skew a resource server allows on `exp`, `nbf` and `iat` (RFC 9068 verifiers
 * run on other machines than the issuer). keymint's own endpoints on the issuer's
 * clock (introspection, revocation) pass 0: there is no second clock to be off from.
 */
export const VERIFIER_LEEWAY_SECONDS = 60;

/** A token that is not a valid keymint access token here; `reason` is written for the caller. */
export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof errors.JWTExpired) return 'the token has expired';
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${e.claim} claim is not accepted here`;
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm not accepted here';
  if (e instanceof errors.JWKSNoMatchingKey) return 'the token is signed by a key this server does not know';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is invalid';
  return 'the token is malformed';
}

export interface VerifyAccessTokenOptions {
  issuer: string;
  /** Required audience; omitted, any audience is accepted (introspection by its own issuer). */
  audience?: string | undefined;
  now: Date;
  leewaySeconds?: number;
}

/**
 * The one verifier of keymint access tokens (RFC 9068): an asymmetric signature by a
 * key `getKey` knows (never `none`, never HMAC keyed with a public key), `typ`
 * at+jwt, the exact issuer, the audience, time within the leeway, and keymint's claims
 * with their types. Whether the token is still good (key active, not revoked) is the
 * caller's next question: see token-standing.ts.
 */
export async function verifyAccessToken(
  token: string,
  getKey: JWTVerifyGetKey,
  o: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: [...SIGNING_ALGS],
      typ: ACCESS_TOKEN_TYP,
      issuer: o.issuer,
      ...(o.audience ? { audience: o.audience } : {}),
      clockTolerance: o.leewaySeconds ?? VERIFIER_LEEWAY_SECONDS,
      currentDate: o.now,
      requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'org_id', 'sub'],
    });
    for (const claim of ['org_id', 'client_id', 'jti', 'sub'] as const) {
      if (typeof payload[claim] !== 'string')
        throw new errors.JWTClaimValidationFailed('unexpected claim type', payload, claim);
    }
    if (payload.scope !== undefined && typeof payload.scope !== 'string')
      throw new errors.JWTClaimValidationFailed('unexpected claim type', payload, 'scope');
    return payload as unknown as AccessTokenClaims;
  } catch (e) {
    throw new TokenRejected(reasonOf(e));
  }
}

/** The scopes of a verified token, as a list. */
export const tokenScopes = (claims: AccessTokenClaims): string[] =>
  claims.scope ? claims.scope.split(' ').filter(Boolean) : [];
