import { base64ToBytes, bytesToBase64 } from '../lib/encoding';

/**
 * Envelope encryption of signing keys at rest: AES-256-GCM under the KEK, with the
 * kid as additional data so a sealed key cannot be swapped onto another row.
 */
export class KekError extends Error {}

export async function importKek(base64: string): Promise<CryptoKey> {
  const raw = base64ToBytes(base64);
  if (raw.length !== 32) throw new KekError('the KEK must be base64 of exactly 32 bytes');
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export function generateKekBase64(): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));
}

export async function seal(kek: CryptoKey, kid: string, jwk: JsonWebKey): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(jwk));
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(kid) },
      kek,
      plain,
    ),
  );
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return bytesToBase64(out);
}

export async function unseal(kek: CryptoKey, kid: string, sealed: string): Promise<JsonWebKey> {
  const bytes = base64ToBytes(sealed);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(kid) },
      kek,
      bytes.slice(12),
    );
    return JSON.parse(new TextDecoder().decode(plain)) as JsonWebKey;
  } catch {
    throw new KekError(
      `the KEK does not decrypt signing key ${kid}: KEYMINT_KEK (or keys/kek) is not the one this database was created with`,
    );
  }
}
