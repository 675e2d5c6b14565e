import type { Actor, RequestMeta } from '../audit/actor';
import type { Db } from '../db/database';

/** What every key service needs: the database, the time, the catalog, and who acts from where. */
export interface KeyServiceContext {
  db: Db;
  now: Date;
  catalog: readonly string[];
  actor: Actor;
  meta?: RequestMeta | undefined;
  /** When a key acts, the grant of its token: it may not hand out more (no escalation). */
  actorGrant?: readonly string[] | undefined;
}
