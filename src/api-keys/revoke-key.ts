import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { publishKeyChange } from '../changes/publish-key-change';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import type { KeyServiceContext } from './key-service-context';
import { keyToChange } from './no-escalation';

/**
 * Revokes a key, permanently, in one transaction with the change announcement: when
 * this returns, /token refuses the secret on every instance and introspection reports
 * its tokens inactive. Revoking a revoked key changes nothing and returns it as it is.
 */
export async function revokeKey(ctx: KeyServiceContext, orgId: string, ref: string): Promise<ApiKeyRow> {
  return publishKeyChange(ctx.db, async (tx, announce) => {
    const current = await keyToChange(tx, ctx, orgId, ref, 'revoke');
    if (current.revokedAt) return current;
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: ctx.now, previousSecretDigest: null, previousValidUntil: null })
      .where(eq(apiKeys.id, current.id))
      .returning();
    if (!row) throw new Error('update returned no row');
    await announce();
    await recordAudit(tx, ctx.now, {
      orgId,
      action: 'key.revoked',
      actor: ctx.actor,
      target: { type: 'key', id: row.id },
      meta: ctx.meta,
      details: { clientId: row.clientId, name: row.name },
    });
    return row;
  });
}
