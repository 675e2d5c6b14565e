import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { apiKeys, type OrgRow } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';

/** Keys that count against the limit: active or disabled (not expired, revoked or deleted). */
async function countLiveKeys(db: Executor, orgId: string, now: Date): Promise<number> {
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

/**
 * Refuses one more live key when `org` is at its limit. The caller holds the org row's
 * lock (SELECT … FOR UPDATE) in the same transaction, so concurrent creates and imports
 * cannot pass the limit together.
 */
export async function assertRoomForKey(tx: Executor, org: OrgRow, now: Date): Promise<void> {
  const live = await countLiveKeys(tx, org.id, now);
  if (live >= org.maxActiveKeys) {
    throw new DomainError(
      'active-key-limit',
      `organisation ${org.slug} already has ${live} active or disabled keys (limit ${org.maxActiveKeys}); revoke or delete one first`,
    );
  }
}
