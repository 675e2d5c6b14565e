import { eq } from 'drizzle-orm';
import { systemActor } from '../audit/actor';
import { recordAudit } from '../audit/record-audit';
import type { Db } from '../db/database';
import { type SigningKeyState, signingKeys } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { promoteNext, publishNext, retireKey, type SigningPolicy, withSigningKeys } from './lifecycle';
import { signableAt } from './manual-rotation';

export interface Retirement {
  kid: string;
  /** The state the key had. */
  was: Exclude<SigningKeyState, 'retired'>;
  /** Retiring the current key makes the next one sign at once. */
  rotated: { from: string; to: string; publishedSeconds: number; early: boolean } | null;
  /** A next key published in place of the retired or promoted one. */
  published: { kid: string; signableAt: Date } | null;
}

/**
 * `signing-keys retire <kid>`, for a compromised key: it leaves the JWKS at once and its
 * private key is dropped, so tokens it signed stop verifying as soon as each instance
 * reloads its keyset (the change announcement makes them do so within a second).
 * The keys stay consistent, one current and one pre-published next: retiring the
 * current key promotes the next one at once (as `rotate --now`), and retiring the next
 * key publishes a fresh one, whose publication wait starts over.
 */
export async function retireSigningKey(
  db: Db,
  kek: CryptoKey,
  policy: SigningPolicy,
  now: Date,
  kid: string,
): Promise<Retirement> {
  const { result } = await withSigningKeys(db, kek, policy, now, async (keys) => {
    const [row] = await keys.tx.select().from(signingKeys).where(eq(signingKeys.kid, kid));
    if (!row) {
      throw new DomainError('not-found', `no signing key has kid "${kid}"; \`signing-keys list\` shows them`);
    }
    if (row.state === 'retired') {
      const at = row.retiredAt ? ` at ${row.retiredAt.toISOString()}` : '';
      throw new DomainError('conflict', `signing key ${kid} was already retired${at}`);
    }
    const out: Retirement = { kid, was: row.state, rotated: null, published: null };
    if (row.state === 'current') {
      const candidate = keys.next;
      const rotated = await promoteNext(keys, kek, policy, now, {
        actor: 'signing-keys retire',
        forced: true,
        reason: 'current key retired',
      });
      out.rotated = {
        ...rotated,
        publishedSeconds: Math.floor((now.getTime() - candidate.createdAt.getTime()) / 1000),
        early: now.getTime() < signableAt(candidate, policy).getTime(),
      };
      out.published = { kid: keys.next.kid, signableAt: signableAt(keys.next, policy) };
    }
    await retireKey(keys.tx, kid, now);
    if (row.state === 'next') {
      keys.next = await publishNext(keys.tx, kek, policy, now);
      out.published = { kid: keys.next.kid, signableAt: signableAt(keys.next, policy) };
    }
    keys.changed = true;
    await recordAudit(keys.tx, now, {
      orgId: null,
      action: 'signing_key.retired',
      actor: systemActor('signing-keys retire'),
      target: { type: 'signing_key', id: kid },
      details: {
        previousState: row.state,
        alg: row.alg,
        ...(out.rotated ? { promotedKid: out.rotated.to } : {}),
      },
    });
    return out;
  });
  return result;
}
