// A reference line for the token sections: raw signing speed on this machine.
import { generateKeyPairSync, sign } from 'node:crypto';
import type { Alg } from './bench-options';

/** Signatures per second one core makes with node:crypto, per algorithm. */
export type SigningRates = Record<Alg, number>;

/** What one core can sign per second with node:crypto: the floor under any issuer's cost. */
export function signingRates(): SigningRates {
  const data = Buffer.alloc(400, 120);
  const rate = (key: Parameters<typeof sign>[2], hash: string | null) => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 500) {
      sign(hash, data, key);
      n++;
    }
    return Math.round(n * 2);
  };
  return {
    RS256: rate(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'sha256'),
    ES256: rate(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'sha256'),
    EdDSA: rate(generateKeyPairSync('ed25519').privateKey, null),
  };
}

export const signingLine = (r: SigningRates) =>
  `one-core signatures/s (node:crypto): RS256 ${r.RS256}, ES256 ${r.ES256}, EdDSA ${r.EdDSA}`;

/** CPU µs of one signature of `alg` on this machine. */
export const signatureMicros = (r: SigningRates, alg: Alg) => 1e6 / r[alg];
