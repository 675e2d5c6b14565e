import { eq, lte } from 'drizzle-orm';
import { bumpChange } from '../changes/bump';
import type { Db, Executor } from '../db/database';
import { revokedTokens } from '../db/schema/index';

export async function isJtiRevoked(db: Executor, jti: string): Promise<boolean> {
  const [row] = await db
    .select({ jti: revokedTokens.jti })
    .from(revokedTokens)
    .where(eq(revokedTokens.jti, jti));
  return !!row;
}

/** Records a revoked access token until it would have expired anyway; idempotent. */
export async function revokeJti(db: Db, jti: string, orgId: string, expiresAt: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(revokedTokens)
      .values({ jti, orgId, expiresAt })
      .onConflictDoNothing()
      .returning({ jti: revokedTokens.jti });
    if (inserted.length > 0) await bumpChange(tx);
  });
}

export async function purgeExpiredRevocations(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(revokedTokens)
    .where(lte(revokedTokens.expiresAt, now))
    .returning({ jti: revokedTokens.jti });
  return gone.length;
}
