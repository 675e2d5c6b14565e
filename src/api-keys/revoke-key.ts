import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit';
import { bumpChange } from '../changes/bump';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import type { KeyServiceContext } from './create-key';
import { findKey } from './find-key';
import { grantCoversGrant } from './scopes';

/**
 * Revokes a key, permanently, in one transaction with the change announcement: when
 * this returns, /token refuses the secret and introspection reports its tokens
 * inactive. Revoking a revoked key changes nothing and returns it as it is.
 */
export async function revokeKey(ctx: KeyServiceContext, orgId: string, ref: string): Promise<ApiKeyRow> {
  return ctx.db.transaction(async (tx) => {
    const current = await findKey(tx, orgId, ref, { forUpdate: true });
    // Escalation first: a key may not even learn the state of keys stronger than itself.
    if (ctx.actorGrant && !grantCoversGrant(ctx.actorGrant, current.scopes, ctx.catalog)) {
      throw new DomainError('forbidden', 'a key may only revoke keys whose scopes its own token covers');
    }
    if (current.revokedAt) return current;
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: ctx.now, previousSecretDigest: null, previousValidUntil: null })
      .where(eq(apiKeys.id, current.id))
      .returning();
    if (!row) throw new Error('update returned no row');
    await bumpChange(tx);
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
