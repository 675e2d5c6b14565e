import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Keyset } from '../signing/keyset';
import { GatewayError } from './gateway-error';

/** What the gateway knows about a caller once its token verified. */
export interface VerifiedCaller {
  orgId: string;
  clientId: string;
  scopes: string[];
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
}

// Asymmetric algorithms only: never `none`, never an HMAC keyed with a public key.
const ALLOWED_ALGS = ['RS256', 'ES256', 'EdDSA'];
export const LEEWAY_SECONDS = 60;
const KID_REFETCH_COOLDOWN_MS = 30_000;

/** Keys from this process's own keyset; an unknown kid reloads it at most once per cooldown. */
export function keysetKeyResolver(keyset: Keyset, now: () => number): JWTVerifyGetKey {
  let lastReload = Number.NEGATIVE_INFINITY;
  return async (header) => {
    let k = header.kid ? keyset.verificationKey(header.kid) : undefined;
    if (!k && header.kid && now() - lastReload >= KID_REFETCH_COOLDOWN_MS) {
      lastReload = now();
      await keyset.refresh();
      k = keyset.verificationKey(header.kid);
    }
    if (!k || k.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
    return k.key;
  };
}

/** Keys from an issuer's published JWKS (standalone gateway), refetched on an unknown kid with a cooldown. */
export function remoteKeyResolver(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: KID_REFETCH_COOLDOWN_MS,
    cacheMaxAge: 600_000,
  });
}

function reason(e: unknown): string {
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

/** RFC 9068 checks: signature, typ at+jwt, exact iss, our audience, time with 60 s leeway. */
export async function verifyBearer(
  token: string,
  getKey: JWTVerifyGetKey,
  o: { issuer: string; audience: string; now: Date },
): Promise<VerifiedCaller> {
  try {
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: ALLOWED_ALGS,
      typ: 'at+jwt',
      issuer: o.issuer,
      audience: o.audience,
      clockTolerance: LEEWAY_SECONDS,
      currentDate: o.now,
      requiredClaims: ['exp', 'iat', 'jti', 'client_id', 'org_id', 'sub'],
    });
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    if (
      typeof payload.org_id !== 'string' ||
      typeof payload.client_id !== 'string' ||
      typeof payload.jti !== 'string'
    ) {
      throw new errors.JWTClaimValidationFailed('unexpected claim types', payload, 'org_id');
    }
    return {
      orgId: payload.org_id,
      clientId: payload.client_id,
      scopes: scope.split(' ').filter(Boolean),
      jti: payload.jti,
      exp: payload.exp as number,
    };
  } catch (e) {
    throw new GatewayError(401, reason(e), { error: 'invalid_token' });
  }
}
