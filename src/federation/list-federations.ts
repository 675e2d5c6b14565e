import { and, desc, eq, isNotNull, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type FederationRow, federations } from '../db/schema/index';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { validationError } from '../lib/domain-error';
import { FEDERATION_STATUSES, type FederationStatus } from './federation-status';

export const FEDERATION_LIST_MAX = 100;
export type FederationStatusFilter = FederationStatus | 'all';
export const FEDERATION_STATUS_FILTERS: readonly string[] = [...FEDERATION_STATUSES, 'all'];

export interface ListFederationsInput {
  status?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

function statusWhere(status: FederationStatusFilter): SQL | undefined {
  switch (status) {
    case 'all':
      return undefined;
    case 'revoked':
      return isNotNull(federations.revokedAt);
    case 'disabled':
      return and(isNull(federations.revokedAt), eq(federations.enabled, false));
    case 'active':
      return and(isNull(federations.revokedAt), eq(federations.enabled, true));
  }
}

/**
 * Federations of an org, newest first, keyset-paginated. Every status by default: an
 * org has few, and a disabled or revoked policy is still one to see.
 */
export async function listFederations(
  db: Executor,
  orgId: string,
  input: ListFederationsInput = {},
): Promise<{ items: FederationRow[]; nextCursor: string | null }> {
  const status = (input.status ?? 'all') as FederationStatusFilter;
  if (!FEDERATION_STATUS_FILTERS.includes(status)) {
    throw validationError('status', `must be one of ${FEDERATION_STATUS_FILTERS.join(', ')}`);
  }
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > FEDERATION_LIST_MAX) {
    throw validationError('limit', `must be 1–${FEDERATION_LIST_MAX}`);
  }
  const conditions: (SQL | undefined)[] = [
    eq(federations.orgId, orgId),
    isNull(federations.deletedAt),
    statusWhere(status),
  ];
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    conditions.push(
      or(lt(federations.createdAt, c.at), and(eq(federations.createdAt, c.at), lt(federations.id, c.id))),
    );
  }
  const rows = await db
    .select()
    .from(federations)
    .where(and(...conditions))
    .orderBy(desc(federations.createdAt), desc(federations.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}
