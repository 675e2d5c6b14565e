import { asc } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { type OrgRow, orgs } from '../db/schema/index';

/** Every organisation on the database, by slug: an operator's view (the CLI's `org list`). */
export function listOrgs(db: Executor): Promise<OrgRow[]> {
  return db.select().from(orgs).orderBy(asc(orgs.slug));
}
