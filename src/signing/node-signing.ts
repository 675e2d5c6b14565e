import { KeyObject, type SignKeyObjectInput, sign } from 'node:crypto';
import type { JwsSigning } from './access-token';

/** node:crypto's digest name and key options for each JWS algorithm it signs here. */
const SIGN_WITH: Record<string, { hash: string | null; dsaEncoding?: SignKeyObjectInput['dsaEncoding'] }> = {
  RS256: { hash: 'sha256' },
  ES256: { hash: 'sha256', dsaEncoding: 'ieee-p1363' },
  EdDSA: { hash: null },
};

/** What sign() takes for a key: its KeyObject, with the encoding its algorithm needs. */
type SignInput = KeyObject | SignKeyObjectInput;

/** Made once per key (a key signs with one algorithm): the token path allocates nothing for it. */
const signInputs = new WeakMap<CryptoKey, SignInput>();

function signInputOf(key: CryptoKey, dsaEncoding: SignKeyObjectInput['dsaEncoding']): SignInput {
  let input = signInputs.get(key);
  if (!input) {
    const k = KeyObject.from(key);
    input = dsaEncoding ? { key: k, dsaEncoding } : k;
    signInputs.set(key, input);
  }
  return input;
}

/**
 * node:crypto's sign on the key's KeyObject, without WebCrypto's per-call algorithm
 * normalisation and job set-up. Every signature goes to the libuv thread pool, even an
 * ES256 one (~27 µs on a warm core): on the request thread, between requests that churn
 * the CPU caches, the same signature measured about 80 µs, while a pool thread that only
 * signs keeps its tables cached. Under load that doubled ES256 tokens per second in one
 * process and lowered the CPU per token.
 */
export const nodeJwsSigning: JwsSigning = (alg, key, input) => {
  const how = Object.hasOwn(SIGN_WITH, alg) ? SIGN_WITH[alg] : undefined;
  if (!how) return undefined;
  const k = signInputOf(key, how.dsaEncoding);
  return new Promise((resolve, reject) =>
    sign(how.hash, input, k, (error, signature) => (error ? reject(error) : resolve(signature))),
  );
};
