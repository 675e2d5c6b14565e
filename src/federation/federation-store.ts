import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type FederationRow, federations } from '../db/schema/index';
import { FEDERATION_CLIENT_ID_RE } from './federation-client-id';

export type { FederationRow } from '../db/schema/index';

/**
 * The federation a job names as client_id, whatever its status (the caller tells
 * revoked and disabled apart), or undefined when none exists or it was deleted. A
 * malformed id is answered without a query.
 */
export async function findFederationByClientId(
  db: Executor,
  clientId: string,
): Promise<FederationRow | undefined> {
  if (!FEDERATION_CLIENT_ID_RE.test(clientId)) return undefined;
  const [row] = await db
    .select()
    .from(federations)
    .where(and(eq(federations.clientId, clientId), isNull(federations.deletedAt)))
    .limit(1);
  return row;
}

/** How stale lastUsedAt may be: a busy federation writes its row at most once a minute. */
const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Records that a federation was used at `at`. The condition sits in the UPDATE itself,
 * so a federation used many times a minute costs one write, and concurrent exchanges
 * never move the time backwards. A caller holding the row may pass its lastUsedAt to
 * skip even the statement when it is fresh.
 */
export async function markFederationUsed(
  db: Executor,
  id: string,
  at: Date,
  knownLastUsedAt?: Date | null,
): Promise<void> {
  const staleBefore = new Date(at.getTime() - LAST_USED_GRANULARITY_MS);
  if (knownLastUsedAt && knownLastUsedAt.getTime() >= staleBefore.getTime()) return;
  await db
    .update(federations)
    .set({ lastUsedAt: at })
    .where(
      and(
        eq(federations.id, id),
        or(isNull(federations.lastUsedAt), lt(federations.lastUsedAt, staleBefore)),
      ),
    );
}
