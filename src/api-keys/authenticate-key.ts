import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { timingSafeEqual } from '../lib/encoding';
import { ipAllowed, parseCidr } from '../lib/ip';
import { CLIENT_ID_RE, DUMMY_DIGEST, isWellFormedSecret } from './secrets';
import { keyStatus } from './status';

/**
 * The outcome of presenting client credentials. Failures before the secret is proven
 * carry no detail (`unknown` covers a missing client and a wrong secret alike); after
 * it, the reason may be told to the caller, who evidently holds the secret.
 */
export type KeyAuthResult =
  | { ok: true; key: ApiKeyRow }
  | { ok: false; reason: 'unknown'; key?: ApiKeyRow }
  | { ok: false; reason: 'revoked' | 'disabled' | 'expired' | 'ip'; key: ApiKeyRow; description: string };

export type KeyLookup = (clientId: string) => Promise<ApiKeyRow | undefined>;

/** One prepared, indexed read by client_id: the token path's only database access. */
export function createKeyLookup(db: Db): KeyLookup {
  const q = db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.clientId, sql.placeholder('clientId')))
    .limit(1)
    .prepare('keymint_key_by_client_id');
  return async (clientId) => (await q.execute({ clientId }))[0];
}

export async function authenticateKey(
  lookup: KeyLookup,
  clientId: string,
  secret: string,
  ip: string | undefined,
  now: Date,
): Promise<KeyAuthResult> {
  // Malformed ids and secrets (typos, truncation) fail without a lookup; this reveals
  // nothing about which keys exist.
  if (!CLIENT_ID_RE.test(clientId) || !isWellFormedSecret(secret)) return { ok: false, reason: 'unknown' };
  const pending = lookup(clientId);
  // The digest is computed while the query is in flight.
  const presented = presentedDigest(secret);
  const key = await pending;
  // Always two comparisons, whether or not the key exists, so timing says nothing.
  const graceOpen = !!key?.previousValidUntil && key.previousValidUntil.getTime() > now.getTime();
  const matchesCurrent = timingSafeEqual(presented, key?.secretDigest ?? DUMMY_DIGEST);
  const matchesPrevious = timingSafeEqual(
    presented,
    (graceOpen && key?.previousSecretDigest) || DUMMY_DIGEST,
  );
  if (!key || key.deletedAt || !(matchesCurrent || matchesPrevious)) {
    return key && !key.deletedAt ? { ok: false, reason: 'unknown', key } : { ok: false, reason: 'unknown' };
  }
  const status = keyStatus(key, now);
  switch (status) {
    case 'revoked':
      return {
        ok: false,
        reason: 'revoked',
        key,
        description: `key revoked at ${key.revokedAt?.toISOString()}`,
      };
    case 'expired':
      return {
        ok: false,
        reason: 'expired',
        key,
        description: `key expired at ${key.expiresAt?.toISOString()}`,
      };
    case 'disabled':
      return { ok: false, reason: 'disabled', key, description: 'key is disabled' };
    case 'active':
      break;
  }
  if (key.allowedCidrs.length > 0) {
    const cidrs = key.allowedCidrs.map(parseCidr).filter((c) => c !== null);
    if (!ipAllowed(cidrs, ip)) {
      return {
        ok: false,
        reason: 'ip',
        key,
        description: `requests from ${ip ?? 'an unknown address'} are not allowed for this key`,
      };
    }
  }
  return { ok: true, key };
}

// SHA-256 (FIPS 180-4) of the presented secret, in the `sha256:<hex>` form digestSecret
// stores. Done here in plain JS rather than with crypto.subtle.digest: a secret is one
// 64-byte block, about a microsecond of work, while each WebCrypto call is a round trip
// through the thread pool that costs the event loop tens of microseconds per request.

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const W = new Uint32Array(64);
const utf8 = new TextEncoder();

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

function sha256HexSync(data: Uint8Array): string {
  const blocks = (data.length + 9 + 63) >>> 6;
  const msg = new Uint8Array(blocks * 64);
  msg.set(data);
  msg[data.length] = 0x80;
  const view = new DataView(msg.buffer);
  const bits = data.length * 8;
  view.setUint32(msg.length - 8, Math.floor(bits / 0x100000000));
  view.setUint32(msg.length - 4, bits >>> 0);
  const h = H0.slice();
  for (let off = 0; off < msg.length; off += 64) {
    for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15] as number;
      const w2 = W[i - 2] as number;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      W[i] = (W[i - 16] as number) + s0 + (W[i - 7] as number) + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const t1 =
        (hh +
          (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) +
          ((e & f) ^ (~e & g)) +
          (K[i] as number) +
          (W[i] as number)) |
        0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h[0] = ((h[0] as number) + a) | 0;
    h[1] = ((h[1] as number) + b) | 0;
    h[2] = ((h[2] as number) + c) | 0;
    h[3] = ((h[3] as number) + d) | 0;
    h[4] = ((h[4] as number) + e) | 0;
    h[5] = ((h[5] as number) + f) | 0;
    h[6] = ((h[6] as number) + g) | 0;
    h[7] = ((h[7] as number) + hh) | 0;
  }
  let hex = '';
  for (const word of h) hex += (word >>> 0).toString(16).padStart(8, '0');
  return hex;
}

/** The same `sha256:<hex>` digestSecret computes, synchronously. */
export function presentedDigest(secret: string): string {
  return `sha256:${sha256HexSync(utf8.encode(secret))}`;
}
