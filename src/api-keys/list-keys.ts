import { and, desc, eq, gt, ilike, isNotNull, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { validationError } from '../lib/domain-error';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';
import { KEY_STATUSES, type KeyStatus } from './status';

/** The most keys one page lists. */
export const LIST_LIMIT_MAX = 100;

export type StatusFilter = KeyStatus | 'all';
export const STATUS_FILTERS: readonly string[] = [...KEY_STATUSES, 'all'];

export interface ListKeysInput {
  status?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

function statusWhere(status: StatusFilter, now: Date): SQL | undefined {
  const unexpired = or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now));
  switch (status) {
    case 'all':
      return undefined;
    case 'revoked':
      return isNotNull(apiKeys.revokedAt);
    case 'expired':
      return and(isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now));
    case 'disabled':
      return and(isNull(apiKeys.revokedAt), unexpired, eq(apiKeys.enabled, false));
    case 'active':
      return and(isNull(apiKeys.revokedAt), unexpired, eq(apiKeys.enabled, true));
  }
}

/** Keys of an org, newest first, filtered by derived status and name; keyset-paginated. */
export async function listKeys(
  db: Executor,
  orgId: string,
  now: Date,
  input: ListKeysInput,
): Promise<{ items: ApiKeyRow[]; nextCursor: string | null }> {
  const status = (input.status ?? 'active') as StatusFilter;
  if (!STATUS_FILTERS.includes(status))
    throw validationError('status', `must be one of ${STATUS_FILTERS.join(', ')}`);
  const limit = input.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX)
    throw validationError('limit', `must be 1–${LIST_LIMIT_MAX}`);
  const conditions: (SQL | undefined)[] = [
    eq(apiKeys.orgId, orgId),
    isNull(apiKeys.deletedAt),
    statusWhere(status, now),
  ];
  if (input.q !== undefined && !isStorableText(input.q)) throw validationError('q', UNSTORABLE_TEXT_MESSAGE);
  if (input.q) {
    const pattern = `%${input.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conditions.push(ilike(apiKeys.name, pattern));
  }
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    conditions.push(or(lt(apiKeys.createdAt, c.at), and(eq(apiKeys.createdAt, c.at), lt(apiKeys.id, c.id))));
  }
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(...conditions))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
}
