import { and, desc, eq, gte, like, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { auditEvents } from '../db/schema/index';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { checkFields, validationError } from '../lib/domain-error';
import { isStorableInstant, UNSTORABLE_INSTANT_MESSAGE } from '../lib/storable-instant';
import { isStorableText, UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';

export interface AuditQuery {
  action?: string | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface AuditEventView {
  id: string;
  at: string;
  action: string;
  actor: { type: string; id: string };
  target: { type: string; id: string };
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

function instant(field: string, text: string): Date {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw validationError(field, 'must be an RFC 3339 date-time');
  const at = new Date(t);
  if (!isStorableInstant(at)) throw validationError(field, UNSTORABLE_INSTANT_MESSAGE);
  return at;
}

/**
 * The conditions of an audit query but its cursor: the org, an action (which may end
 * in `.*`, e.g. `key.*`), an actor, a target and a time window.
 */
export function auditConditions(orgId: string, q: AuditQuery): (SQL | undefined)[] {
  const storable = (field: 'action' | 'actorId' | 'targetId') => () => {
    const v = q[field];
    if (v !== undefined && !isStorableText(v)) throw validationError(field, UNSTORABLE_TEXT_MESSAGE);
  };
  checkFields({ action: storable('action'), actorId: storable('actorId'), targetId: storable('targetId') });
  const where: (SQL | undefined)[] = [eq(auditEvents.orgId, orgId)];
  if (q.action) {
    where.push(
      q.action.endsWith('.*')
        ? like(auditEvents.action, `${q.action.slice(0, -1).replace(/[\\%_]/g, (m) => `\\${m}`)}%`)
        : eq(auditEvents.action, q.action),
    );
  }
  if (q.actorId) where.push(eq(auditEvents.actorId, q.actorId));
  if (q.targetId) where.push(eq(auditEvents.targetId, q.targetId));
  if (q.since) where.push(gte(auditEvents.at, instant('since', q.since)));
  if (q.until) where.push(lt(auditEvents.at, instant('until', q.until)));
  return where;
}

/** A stored row as the API shows it. */
export const auditView = (e: typeof auditEvents.$inferSelect): AuditEventView => ({
  id: e.id,
  at: e.at.toISOString(),
  action: e.action,
  actor: { type: e.actorType, id: e.actorId },
  target: { type: e.targetType, id: e.targetId },
  ip: e.ip,
  userAgent: e.userAgent,
  details: e.details,
});

/** An org's audit events, newest first; `action` may end in `.*` (e.g. `key.*`). */
export async function listAuditEvents(db: Executor, orgId: string, q: AuditQuery) {
  const limit = q.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw validationError('limit', 'must be 1–200');
  const where = auditConditions(orgId, q);
  if (q.cursor) {
    const { at, id } = decodeCursor(q.cursor);
    where.push(or(lt(auditEvents.at, at), and(eq(auditEvents.at, at), lt(auditEvents.id, id))));
  }
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const items = page.map(auditView);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor(last.at, last.id) : null,
  };
}
