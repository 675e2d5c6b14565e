import { BoundedCache } from '../lib/bounded-cache';
import { VERIFIER_LEEWAY_SECONDS } from '../tokens/verify-access-token';
import type { VerifiedCaller } from './token-verifier';

/** Enough of a signature's end to tell tokens apart; a collision only costs a miss. */
const TAIL = 32;

interface Entry {
  authorization: string;
  caller: VerifiedCaller;
  /** The keys' epoch when its verification began. */
  epoch: number;
}

/**
 * Callers whose tokens verified, remembered by the exact Authorization header until
 * the token expires: a verified signature stays verified (revocation is still checked
 * on every request) while its key is still accepted. A retired signing key moves the
 * keys' epoch, and everything verified before is then verified again. Indexed by the
 * header's last characters, so a lookup hashes a short string rather than the whole
 * token, and compared in full on a hit.
 */
export class VerifiedCallers {
  private readonly byTail = new BoundedCache<Entry>(10_000);

  /** `keysEpoch` changes whenever a verification key is withdrawn; without one, keys never are. */
  constructor(private readonly keysEpoch: () => number = () => 0) {}

  /** Read it before verifying, and hand it to set(): a key withdrawn meanwhile voids the entry. */
  epoch(): number {
    return this.keysEpoch();
  }

  get(authorization: string, nowMs: number): VerifiedCaller | undefined {
    const hit = this.byTail.get(authorization.slice(-TAIL));
    if (!hit || hit.authorization !== authorization || hit.epoch !== this.keysEpoch()) return undefined;
    return nowMs < (hit.caller.exp + VERIFIER_LEEWAY_SECONDS) * 1000 ? hit.caller : undefined;
  }

  set(authorization: string, caller: VerifiedCaller, epoch: number): void {
    this.byTail.set(authorization.slice(-TAIL), { authorization, caller, epoch });
  }
}
