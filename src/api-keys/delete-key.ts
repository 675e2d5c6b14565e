import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { apiKeys } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import type { KeyServiceContext } from './key-service-context';
import { keyToChange } from './no-escalation';
import { keyStatus } from './status';

/** Removes a revoked or expired key from listings; its audit trail stays. */
export async function deleteKey(ctx: KeyServiceContext, orgId: string, ref: string): Promise<void> {
  await publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await keyToChange(tx, ctx, orgId, ref, 'delete');
    const status = keyStatus(current, ctx.now);
    if (status !== 'revoked' && status !== 'expired') {
      throw new DomainError('conflict', `key ${current.clientId} is ${status}; revoke it before deleting it`);
    }
    await tx.update(apiKeys).set({ deletedAt: ctx.now }).where(eq(apiKeys.id, current.id));
    // A deleted key is unknown everywhere from now on, not merely refused.
    await announce();
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'key.deleted',
      actor: ctx.actor,
      target: { type: 'key', id: current.id },
      meta: ctx.meta,
      details: { clientId: current.clientId, name: current.name },
    });
  });
}
