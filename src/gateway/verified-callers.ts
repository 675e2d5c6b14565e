import { BoundedCache } from '../lib/bounded-cache';
import { LEEWAY_SECONDS, type VerifiedCaller } from './token-verifier';

/** Enough of a signature's end to tell tokens apart; a collision only costs a miss. */
const TAIL = 32;

/**
 * Callers whose tokens verified, remembered by the exact Authorization header until
 * the token expires: a verified signature stays verified (revocation is still checked
 * on every request). Indexed by the header's last characters, so a lookup hashes a
 * short string rather than the whole token, and compared in full on a hit.
 */
export class VerifiedCallers {
  private readonly byTail = new BoundedCache<{ authorization: string; caller: VerifiedCaller }>(10_000);

  get(authorization: string, nowMs: number): VerifiedCaller | undefined {
    const hit = this.byTail.get(authorization.slice(-TAIL));
    if (!hit || hit.authorization !== authorization) return undefined;
    return nowMs < (hit.caller.exp + LEEWAY_SECONDS) * 1000 ? hit.caller : undefined;
  }

  set(authorization: string, caller: VerifiedCaller): void {
    this.byTail.set(authorization.slice(-TAIL), { authorization, caller });
  }
}
