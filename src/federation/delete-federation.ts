import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { federations } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import type { FederationServiceContext } from './federation-service-context';
import { federationStatus } from './federation-status';
import { federationToChange } from './federation-to-change';

/**
 * Removes a revoked federation from listings; its audit trail stays. As with keys, a
 * live one (active or disabled) must be revoked first: deleting is tidying, revoking
 * is the decision.
 */
export async function deleteFederation(
  ctx: FederationServiceContext,
  orgId: string,
  ref: string,
): Promise<void> {
  await publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await federationToChange(tx, ctx, orgId, ref, 'delete');
    const status = federationStatus(current);
    if (status !== 'revoked') {
      throw new DomainError(
        'conflict',
        `federation ${current.clientId} is ${status}; revoke it before deleting it`,
      );
    }
    await tx.update(federations).set({ deletedAt: ctx.now }).where(eq(federations.id, current.id));
    await announce();
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'federation.deleted',
      actor: ctx.actor,
      target: { type: 'federation', id: current.id },
      meta: ctx.meta,
      details: { clientId: current.clientId, name: current.name },
    });
  });
}
