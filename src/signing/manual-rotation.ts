import type { Db } from '../db/database';
import { DomainError } from '../lib/domain-error';
import { promoteNext, type SigningPolicy, withSigningKeys } from './lifecycle';

/**
 * How long every running instance may take to notice a new next key and serve it in its
 * JWKS: they poll for changes every 0.5 s, and a few seconds also covers a loaded host.
 * Only then does a verifier's max-age-long cache start to count.
 */
export const RELOAD_MARGIN_SECONDS = 5;

/** When a next key may first sign by hand: once every verifier's cached JWKS holds it. */
export function signableAt(next: { createdAt: Date }, policy: SigningPolicy): Date {
  const ms = next.createdAt.getTime() + (policy.jwksMaxAgeSeconds + RELOAD_MARGIN_SECONDS) * 1000;
  // Whole seconds, rounded up, so the instant printed is never too early.
  return new Date(Math.ceil(ms / 1000) * 1000);
}

/** `signing-keys rotate` came before the next key had been published long enough. */
export class RotationTooEarlyError extends DomainError {
  constructor(
    readonly nextKid: string,
    readonly signableAt: Date,
    readonly waitSeconds: number,
  ) {
    super(
      'conflict',
      `the next signing key ${nextKid} may sign from ${signableAt.toISOString()} (in ${waitSeconds} s), ` +
        'once verifiers that cached the JWKS know it; rotate then, or use --now if the current key is compromised',
    );
    this.name = 'RotationTooEarlyError';
  }
}

export interface ManualRotation {
  from: string;
  to: string;
  /** How long the new current key had been in the JWKS when it started signing. */
  publishedSeconds: number;
  /** It signs before every verifier's cached JWKS can hold it (only with `immediately`). */
  early: boolean;
  /** The next key published in its place, and when it may sign in turn. */
  next: { kid: string; signableAt: Date };
}

/**
 * What an operator's `signing-keys rotate` does, whatever the schedule says: promotes the
 * pre-published next key once it has been published for a JWKS max-age (plus the reload
 * margin), and otherwise refuses with RotationTooEarlyError saying when it can. Under
 * the rotation lock, so two at once give one rotation and one refusal. `immediately`
 * (--now, for a compromised key) switches at once; verifiers holding a cached JWKS may
 * then refuse the new key's tokens until they refetch.
 */
export async function rotateSigningKeys(
  db: Db,
  kek: CryptoKey,
  policy: SigningPolicy,
  now: Date,
  opts: { immediately?: boolean } = {},
): Promise<ManualRotation> {
  type Outcome = { refused: { kid: string; from: Date } } | { rotation: ManualRotation };
  const { result } = await withSigningKeys(db, kek, policy, now, async (keys): Promise<Outcome> => {
    const candidate = keys.next;
    const from = signableAt(candidate, policy);
    const early = now.getTime() < from.getTime();
    // Refused without throwing here: keys the lock holder just created must still commit.
    if (early && !opts.immediately) return { refused: { kid: candidate.kid, from } };
    const rotated = await promoteNext(keys, kek, policy, now, {
      actor: 'signing-keys rotate',
      forced: !!opts.immediately,
    });
    return {
      rotation: {
        ...rotated,
        publishedSeconds: Math.floor((now.getTime() - candidate.createdAt.getTime()) / 1000),
        early,
        next: { kid: keys.next.kid, signableAt: signableAt(keys.next, policy) },
      },
    };
  });
  if ('refused' in result) {
    const { kid, from } = result.refused;
    throw new RotationTooEarlyError(kid, from, Math.ceil((from.getTime() - now.getTime()) / 1000));
  }
  return result.rotation;
}
