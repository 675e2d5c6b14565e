import { lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { usedSubjectTokens } from '../db/schema/index';

/**
 * Marks an ID token as exchanged; true only for the first caller. One statement, so two
 * instances presenting the same token at once cannot both win: the database's unique
 * key decides. A row left from an expired token (not yet purged) is taken over, since
 * that token can no longer be accepted anyway.
 */
export async function consumeSubjectToken(
  db: Db,
  issuer: string,
  jti: string,
  usableUntil: Date,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .insert(usedSubjectTokens)
    .values({ id: `${issuer} ${jti}`, expiresAt: usableUntil })
    .onConflictDoUpdate({
      target: usedSubjectTokens.id,
      set: { expiresAt: sql`excluded.expires_at` },
      setWhere: lt(usedSubjectTokens.expiresAt, now),
    })
    .returning({ id: usedSubjectTokens.id });
  return rows.length > 0;
}

/** Forgets exchanged tokens that could no longer be accepted; run by the maintenance schedule. */
export async function purgeUsedSubjectTokens(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(usedSubjectTokens)
    .where(lte(usedSubjectTokens.expiresAt, now))
    .returning({ id: usedSubjectTokens.id });
  return gone.length;
}
