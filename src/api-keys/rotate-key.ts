import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { DomainError, validationError } from '../lib/domain-error';
import type { KeyServiceContext } from './key-service-context';
import { keyToChange } from './no-escalation';
import { digestSecret, generateSecret, secretPreview } from './secrets';
import { keyStatus } from './status';

export const MAX_GRACE_SECONDS = 86_400;

/**
 * Issues a new secret. The old one stops at once, or keeps working for
 * `gracePeriodSeconds` so deployments can roll over without an outage.
 */
export async function rotateKey(
  ctx: KeyServiceContext,
  orgId: string,
  ref: string,
  gracePeriodSeconds = 0,
): Promise<{ key: ApiKeyRow; secret: string }> {
  if (
    !Number.isInteger(gracePeriodSeconds) ||
    gracePeriodSeconds < 0 ||
    gracePeriodSeconds > MAX_GRACE_SECONDS
  ) {
    throw validationError('gracePeriodSeconds', `must be a whole number from 0 to ${MAX_GRACE_SECONDS}`);
  }
  const secret = generateSecret();
  const digest = await digestSecret(secret);
  const key = await publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await keyToChange(tx, ctx, orgId, ref, 'rotate');
    const status = keyStatus(current, ctx.now);
    if (status === 'revoked' || status === 'expired') {
      throw new DomainError('conflict', `key ${current.clientId} is ${status} and cannot be rotated`);
    }
    const [row] = await tx
      .update(apiKeys)
      .set({
        secretDigest: digest,
        secretPreview: secretPreview(secret),
        previousSecretDigest: gracePeriodSeconds > 0 ? current.secretDigest : null,
        previousValidUntil:
          gracePeriodSeconds > 0 ? new Date(ctx.now.getTime() + gracePeriodSeconds * 1000) : null,
        rotatedAt: ctx.now,
      })
      .where(eq(apiKeys.id, current.id))
      .returning();
    if (!row) throw new Error('update returned no row');
    // Instances remember which secret proved the key: with no grace the old one must
    // stop everywhere before this answers, and with one it must stop when the grace ends.
    await announce();
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'key.rotated',
      actor: ctx.actor,
      target: { type: 'key', id: row.id },
      meta: ctx.meta,
      details: { clientId: row.clientId, gracePeriodSeconds },
    });
    return row;
  });
  return { key, secret };
}
