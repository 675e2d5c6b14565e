// A reference line for the token sections: raw signing speed on this machine.
import { generateKeyPairSync, sign } from 'node:crypto';

/** What one core can sign per second with node:crypto: the floor under any issuer's cost. */
export function signingFloor(): string {
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
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return `one-core signatures/s (node:crypto): RS256 ${rate(rsa, 'sha256')}, ES256 ${rate(ec, 'sha256')}`;
}
