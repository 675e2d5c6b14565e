import { type PasswordHasher, verifyOrDummy } from '../auth/password-hasher';
import type { ApiKeyRow } from '../db/schema/index';
import { timingSafeEqual } from '../lib/encoding';
import { isImportedClientId } from './imported-client-id';
import type { SecretDigester } from './secrets';

/** A stored digest that is a bcrypt hash: an imported key's secret, until it is rotated. */
const isBcryptDigest = (digest: string): boolean => digest.startsWith('$2');

/** A secret proven for its key, or refused (with the key when the client id exists). */
export type Proof = { ok: true; key: ApiKeyRow } | { ok: false; reason: 'unknown'; key?: ApiKeyRow };

/**
 * Proves the secret of a key imported from another issuer (a client id not in keymint's
 * format). Its secret has no checksum, so nothing is refused before the lookup; the stored
 * digest decides the comparison: bcrypt (`$2…`, on the hasher: off the event loop on Node,
 * bounded) for a secret brought along, SHA-256 once the key has been rotated.
 *
 * Timing: every refusal costs exactly one bcrypt comparison, so an unknown id (a dummy
 * comparison, as for an unknown email at sign-in) answers like a known one with a wrong
 * secret, bcrypt or rotated. A proven SHA-256 secret costs none: rotation is the way out
 * of bcrypt's price.
 */
export async function proveImportedSecret(
  lookup: (clientId: string) => Promise<ApiKeyRow | undefined>,
  digest: SecretDigester,
  hasher: Pick<PasswordHasher, 'hash' | 'verify'>,
  clientId: string,
  secret: string,
  now: Date,
): Promise<Proof> {
  // No key can have this id (keymint's own formats are handled elsewhere): refused without
  // a lookup, which tells nothing about which ids exist.
  if (!isImportedClientId(clientId)) return { ok: false, reason: 'unknown' };
  const [found, presented] = await Promise.all([lookup(clientId), digest(secret)]);
  const key = found && !found.deletedAt ? found : undefined;
  let bcryptRan = false;
  const matches = async (stored: string | null | undefined): Promise<boolean> => {
    if (!stored) return false;
    if (!isBcryptDigest(stored)) return timingSafeEqual(presented, stored);
    bcryptRan = true;
    return hasher.verify(secret, stored);
  };
  const graceOpen = !!key?.previousValidUntil && key.previousValidUntil.getTime() > now.getTime();
  const proven =
    (await matches(key?.secretDigest)) || (graceOpen && (await matches(key?.previousSecretDigest)));
  if (key && proven) return { ok: true, key };
  if (!bcryptRan) await verifyOrDummy(hasher, secret);
  return key ? { ok: false, reason: 'unknown', key } : { ok: false, reason: 'unknown' };
}
