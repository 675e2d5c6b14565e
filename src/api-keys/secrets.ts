import { BASE62_RE, encodeBase62, randomBase62 } from '../lib/base62';
import { crc32 } from '../lib/crc32';
import { sha256Hex } from '../lib/encoding';

/**
 * Secrets: `kms_` + 43 base62 characters (256 bits) + 6 base62 characters of CRC-32
 * over everything before them. Scanners recognise the prefix; the checksum rejects
 * typos and random guesses without a database lookup.
 */
export const SECRET_PREFIX = 'kms_';
const ENTROPY_CHARS = 43;
const CHECKSUM_CHARS = 6;
export const SECRET_LENGTH = SECRET_PREFIX.length + ENTROPY_CHARS + CHECKSUM_CHARS;

export const CLIENT_ID_PREFIX = 'km_';
export const CLIENT_ID_RE = /^km_[0-9A-Za-z]{22}$/;

export function generateClientId(): string {
  return CLIENT_ID_PREFIX + randomBase62(22);
}

export function generateSecret(): string {
  const body = SECRET_PREFIX + randomBase62(ENTROPY_CHARS);
  return body + encodeBase62(crc32(body), CHECKSUM_CHARS);
}

export function isWellFormedSecret(secret: string): boolean {
  if (secret.length !== SECRET_LENGTH || !secret.startsWith(SECRET_PREFIX)) return false;
  if (!BASE62_RE.test(secret.slice(SECRET_PREFIX.length))) return false;
  const body = secret.slice(0, -CHECKSUM_CHARS);
  return secret.slice(-CHECKSUM_CHARS) === encodeBase62(crc32(body), CHECKSUM_CHARS);
}

/** What the UI shows forever after: the prefix and the last four characters. */
export function secretPreview(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}

/**
 * SHA-256, not bcrypt: a generated secret carries 256 random bits, so a slow hash adds
 * no protection and a per-request bcrypt would cap throughput and invite DoS.
 */
export async function digestSecret(secret: string): Promise<string> {
  return `sha256:${await sha256Hex(secret)}`;
}

/**
 * Computes digestSecret's `sha256:<hex>`. WebCrypto by default (Workers); the Node
 * entry passes node:crypto's synchronous hash, since each crypto.subtle call is a
 * thread-pool round trip costing the token path tens of microseconds.
 */
export type SecretDigester = (secret: string) => Promise<string>;

/** Compared against when no key exists, so unknown clients cost the same as wrong secrets. */
export const DUMMY_DIGEST = `sha256:${'0'.repeat(64)}`;
