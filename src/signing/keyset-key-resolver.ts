import { errors, type JWTVerifyGetKey } from 'jose';
import type { Keyset } from './keyset';

/** An unknown kid reloads the keyset at most this often: a flood of forged kids costs one read. */
const KID_RELOAD_COOLDOWN_MS = 30_000;

/** Verification keys from this process's own keyset; an unknown kid reloads it (with a cooldown). */
export function keysetKeyResolver(keyset: Keyset, nowMs: () => number): JWTVerifyGetKey {
  let lastReload = Number.NEGATIVE_INFINITY;
  return async (header) => {
    let k = header.kid ? keyset.verificationKey(header.kid) : undefined;
    if (!k && header.kid && nowMs() - lastReload >= KID_RELOAD_COOLDOWN_MS) {
      lastReload = nowMs();
      await keyset.refresh();
      k = keyset.verificationKey(header.kid);
    }
    if (!k || k.alg !== header.alg) throw new errors.JWKSNoMatchingKey();
    return k.key;
  };
}
