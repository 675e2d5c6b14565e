import { eq, or } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type OrgRow, orgs } from '../db/schema/index';
import { DomainError } from '../lib/domain-error';
import { isStorableText } from '../lib/storable-text';

/** An organisation by slug or id; not-found otherwise. */
export async function findOrg(db: Executor, slugOrId: string): Promise<OrgRow> {
  if (!isStorableText(slugOrId)) throw new DomainError('not-found', `no organisation "${slugOrId}"`);
  const [org] = await db
    .select()
    .from(orgs)
    .where(or(eq(orgs.slug, slugOrId), eq(orgs.id, slugOrId)))
    .limit(1);
  if (!org) throw new DomainError('not-found', `no organisation "${slugOrId}"`);
  return org;
}
