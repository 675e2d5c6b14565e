import { errors, jwtVerify, SignJWT } from 'jose';
import type { Keyset } from './keyset';

/** RFC 9068 access-token claims as keymint issues them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  client_id: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  scope: string;
  org_id: string;
}

export const ACCESS_TOKEN_TYP = 'at+jwt';

export async function signAccessToken(keyset: Keyset, claims: AccessTokenClaims): Promise<string> {
  const signer = keyset.currentSigner();
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: ACCESS_TOKEN_TYP })
    .sign(signer.key);
}

export interface VerifyOptions {
  issuer: string;
  audience?: string | string[] | undefined;
  now: Date;
  clockToleranceSeconds?: number;
}

/**
 * Verifies a token keymint itself issued, against the keys it publishes. Returns the
 * claims, or null for anything that is not a valid, unexpired keymint access token.
 */
export async function verifyOwnAccessToken(
  keyset: Keyset,
  token: string,
  opts: VerifyOptions,
): Promise<AccessTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const k = header.kid ? keyset.verificationKey(header.kid) : undefined;
        if (!k || k.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
        return k.key;
      },
      {
        issuer: opts.issuer,
        ...(opts.audience ? { audience: opts.audience } : {}),
        typ: ACCESS_TOKEN_TYP,
        currentDate: opts.now,
        clockTolerance: opts.clockToleranceSeconds ?? 0,
        requiredClaims: ['sub', 'client_id', 'jti', 'exp', 'iat', 'org_id'],
      },
    );
    return payload as unknown as AccessTokenClaims;
  } catch {
    return null;
  }
}
