import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { SigningAlg } from './algorithms';

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
}

/** A fresh key pair; the kid is the RFC 7638 thumbprint, so it names the key itself. */
export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  return {
    kid,
    alg,
    publicJwk: { ...pub, kid, alg, use: 'sig' } as JsonWebKey,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg } as JsonWebKey,
  };
}
