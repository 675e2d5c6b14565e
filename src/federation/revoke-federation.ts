import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { type FederationRow, federations } from '../db/schema/index';
import type { FederationServiceContext } from './federation-service-context';
import { federationToChange } from './federation-to-change';

/**
 * Revokes a federation, permanently: from the commit on, its client id exchanges no
 * ID token. Announced like a key's revocation, for any instance that caches it.
 * Revoking a revoked federation changes nothing and returns it as it is.
 */
export async function revokeFederation(
  ctx: FederationServiceContext,
  orgId: string,
  ref: string,
): Promise<FederationRow> {
  return publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await federationToChange(tx, ctx, orgId, ref, 'revoke');
    if (current.revokedAt) return current;
    const [row] = await tx
      .update(federations)
      .set({ revokedAt: ctx.now })
      .where(eq(federations.id, current.id))
      .returning();
    if (!row) throw new Error('update returned no row');
    await announce();
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'federation.revoked',
      actor: ctx.actor,
      target: { type: 'federation', id: row.id },
      meta: ctx.meta,
      details: { clientId: row.clientId, name: row.name },
    });
    return row;
  });
}
