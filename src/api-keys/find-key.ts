import { and, eq, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type ApiKeyRow, apiKeys } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { isStorableText } from '../lib/storable-text';

/**
 * A key of `orgId` by id or clientId. Another org's key is not-found, like a missing
 * one, so ids cannot be probed across organisations.
 */
export async function findKey(
  db: Executor,
  orgId: string,
  ref: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ApiKeyRow> {
  const notFound = () => new DomainError('not-found', `no key "${ref}" in this organisation`);
  // No key id holds what the database cannot store; asking would only fail there.
  if (!isStorableText(ref)) throw notFound();
  // A key's id is `key_…`; anything else is a client id, keymint's (`km_…`) or the one an
  // imported key brought from its issuer (which never starts with `key_`).
  const byRef = ref.startsWith('key_') ? eq(apiKeys.id, ref) : eq(apiKeys.clientId, ref);
  const q = db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), byRef, isNull(apiKeys.deletedAt)));
  const [key] = opts.forUpdate ? await q.for('update') : await q;
  if (!key) throw notFound();
  return key;
}
