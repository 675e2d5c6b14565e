import { and, asc, desc, eq, gt, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { auditEvents } from '../db/schema/index';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { type AuditEventView, auditConditions, auditView } from './list-audit';

export interface AuditBrowseQuery {
  action?: string | undefined;
  actorId?: string | undefined;
  /** A key or federation: events about it, and events it caused through its tokens. */
  client?: { id: string; clientId: string } | undefined;
  /** Older than this cursor (the API's cursor). */
  older?: string | undefined;
  /** Newer than this cursor: the page before, in the console's paging. */
  newer?: string | undefined;
  limit: number;
}

export interface AuditBrowsePage {
  items: AuditEventView[];
  /** Cursors of the neighbouring pages, null at either end. */
  older: string | null;
  newer: string | null;
}

/**
 * The console's audit log: the API's query, paged both ways (the API's cursor only
 * goes back in time), with a filter on a key that also matches the key acting.
 */
export async function browseAudit(
  db: Executor,
  orgId: string,
  q: AuditBrowseQuery,
): Promise<AuditBrowsePage> {
  const where = auditConditions(orgId, { action: q.action, actorId: q.actorId });
  if (q.client) {
    where.push(
      or(
        eq(auditEvents.targetId, q.client.id),
        and(eq(auditEvents.actorType, 'key'), eq(auditEvents.actorId, q.client.clientId)),
      ),
    );
  }
  const rows = q.newer
    ? await newerThan(db, where, q.newer, q.limit)
    : await olderThan(db, where, q.older, q.limit);
  const page = rows.slice(0, q.limit);
  if (q.newer) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const more = rows.length > q.limit;
  const cursor = (r: typeof first) => (r ? encodeCursor(r.at, r.id) : null);
  return {
    items: page.map(auditView),
    older: q.newer ? cursor(last) : more ? cursor(last) : null,
    newer: q.newer ? (more ? cursor(first) : null) : q.older ? cursor(first) : null,
  };
}

function olderThan(db: Executor, where: (SQL | undefined)[], cursor: string | undefined, limit: number) {
  if (cursor) {
    const { at, id } = decodeCursor(cursor);
    where.push(or(lt(auditEvents.at, at), and(eq(auditEvents.at, at), lt(auditEvents.id, id))));
  }
  return db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit + 1);
}

function newerThan(db: Executor, where: (SQL | undefined)[], cursor: string, limit: number) {
  const { at, id } = decodeCursor(cursor);
  where.push(or(gt(auditEvents.at, at), and(eq(auditEvents.at, at), gt(auditEvents.id, id))));
  return db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(asc(auditEvents.at), asc(auditEvents.id))
    .limit(limit + 1);
}
