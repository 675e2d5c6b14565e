import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type FederationRow, federations } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { isStorableText } from '../lib/storable-text';
import { FEDERATION_CLIENT_ID_PREFIX } from './federation-client-id';

/**
 * A federation of `orgId` by id or clientId. Another org's federation is not-found,
 * like a missing one, so ids cannot be probed across organisations.
 */
export async function findFederation(
  db: Executor,
  orgId: string,
  ref: string,
  opts: { forUpdate?: boolean } = {},
): Promise<FederationRow> {
  const notFound = () => new DomainError('not-found', `no federation "${ref}" in this organisation`);
  if (!isStorableText(ref)) throw notFound();
  const byRef = ref.startsWith(FEDERATION_CLIENT_ID_PREFIX)
    ? eq(federations.clientId, ref)
    : eq(federations.id, ref);
  const q = db
    .select()
    .from(federations)
    .where(and(eq(federations.orgId, orgId), byRef, isNull(federations.deletedAt)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  if (!row) throw notFound();
  return row;
}
