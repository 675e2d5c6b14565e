import { and, count, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { federations } from '../db/schema/index';

/** Federations that count against the limit: active or disabled (not revoked or deleted). */
export async function countLiveFederations(db: Executor, orgId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(federations)
    .where(and(eq(federations.orgId, orgId), isNull(federations.revokedAt), isNull(federations.deletedAt)));
  return Number(row?.n ?? 0);
}
