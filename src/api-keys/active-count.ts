import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { apiKeys } from '../db/schema/index';

/** Keys that count against the limit: active or disabled (not expired, revoked or deleted). */
export async function countLiveKeys(db: Executor, orgId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.orgId, orgId),
        isNull(apiKeys.revokedAt),
        isNull(apiKeys.deletedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
      ),
    );
  return Number(row?.n ?? 0);
}
