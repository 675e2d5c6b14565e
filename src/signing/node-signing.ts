import { KeyObject, sign } from 'node:crypto';
import type { JwsSigning } from './access-token';

const keyObjects = new WeakMap<CryptoKey, KeyObject>();

function keyObjectOf(key: CryptoKey): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    k = KeyObject.from(key);
    keyObjects.set(key, k);
  }
  return k;
}

/**
 * node:crypto's sign on the key's KeyObject, without WebCrypto's per-call algorithm
 * normalisation and job set-up. An ES256 or EdDSA signature (~20–30 µs) is made on the
 * calling thread: handing it to the thread pool costs about a third of that again in
 * CPU, and a busy instance runs one worker process per core (WORKERS) to use the
 * others. An RS256 signature (~250 µs) goes to the thread pool, as WebCrypto's would.
 */
export const nodeJwsSigning: JwsSigning = (alg, key, input) => {
  switch (alg) {
    case 'ES256':
      return sign('sha256', input, { key: keyObjectOf(key), dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, input, keyObjectOf(key));
    case 'RS256': {
      const k = keyObjectOf(key);
      return new Promise((resolve, reject) =>
        sign('sha256', input, k, (error, signature) => (error ? reject(error) : resolve(signature))),
      );
    }
    default:
      return undefined;
  }
};
