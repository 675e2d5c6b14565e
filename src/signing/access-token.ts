import { SignJWT } from 'jose';
import type { Keyset, Signer } from './keyset';

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

/**
 * WebCrypto parameters per JWS algorithm, as jose passes them to crypto.subtle.sign.
 * Other algorithms always go through jose.
 */
const SUBTLE_SIGNING: Record<string, Algorithm | EcdsaParams> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
};

/**
 * Signs JWS input with a key: where the platform has a cheaper way than
 * crypto.subtle.sign (Node: node:crypto on a KeyObject, src/signing/node-signing.ts),
 * the entry installs it with useJwsSigning. Answers undefined for an algorithm it leaves
 * to WebCrypto. Its signatures are in JWS form (ECDSA as r||s, RFC 7518 §3.4).
 */
export type JwsSigning = (
  alg: string,
  key: CryptoKey,
  input: Uint8Array,
) => Uint8Array | Promise<Uint8Array> | undefined;

let platformSigning: JwsSigning | undefined;

/** Installs the platform's signing primitive for every later token (Node's entry does). */
export function useJwsSigning(signing: JwsSigning | undefined): void {
  platformSigning = signing;
}

/** A signer jose has already signed with once (so its key passed jose's checks), and its header. */
const proven = new WeakMap<Signer, { header: string; params: Algorithm | EcdsaParams }>();

/** Printable ASCII: JSON.stringify escapes control characters, so this is what claims JSON usually is. */
const PRINTABLE_ASCII = /^[ -~]*$/;
const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function base64urlText(text: string): string {
  return PRINTABLE_ASCII.test(text)
    ? btoa(text).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
    : base64url(encoder.encode(text));
}

/**
 * Signs an RFC 9068 access token. The first token of each signing key is made by jose
 * (SignJWT), which validates the key; later ones are the same JWS compact serialization
 * built directly over crypto.subtle.sign — byte for byte what jose produces (header
 * and claims JSON in the same order, unpadded base64url) without its per-token
 * claim cloning and key checks.
 */
export async function signAccessToken(keyset: Keyset, claims: AccessTokenClaims): Promise<string> {
  const signer = keyset.currentSigner();
  const fast = proven.get(signer);
  if (fast && Number.isFinite(claims.iat) && Number.isFinite(claims.exp)) {
    const input = `${fast.header}.${base64urlText(JSON.stringify(claims))}`;
    const bytes = encoder.encode(input);
    const signature =
      platformSigning?.(signer.alg, signer.key, bytes) ?? crypto.subtle.sign(fast.params, signer.key, bytes);
    return `${input}.${base64url(new Uint8Array(await signature))}`;
  }
  const header = { alg: signer.alg, kid: signer.kid, typ: ACCESS_TOKEN_TYP };
  const token = await new SignJWT({ ...claims }).setProtectedHeader(header).sign(signer.key);
  const params = SUBTLE_SIGNING[signer.alg];
  if (params) proven.set(signer, { header: base64urlText(JSON.stringify(header)), params });
  return token;
}
