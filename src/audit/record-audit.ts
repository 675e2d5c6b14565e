import type { Executor } from '../db/database';
import { auditEvents } from '../db/schema/index';
import { newId } from '../lib/ids';
import type { Actor, RequestMeta } from './actor';

export interface AuditInput {
  orgId: string | null;
  action: string;
  actor: Actor;
  target: { type: string; id: string };
  meta?: RequestMeta | undefined;
  details?: Record<string, unknown>;
}

/** Appends one event; call it inside the transaction that made the change. */
export async function recordAudit(db: Executor, at: Date, e: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    id: newId('evt'),
    orgId: e.orgId,
    at,
    action: e.action,
    actorType: e.actor.type,
    actorId: e.actor.id,
    targetType: e.target.type,
    targetId: e.target.id,
    ip: e.meta?.ip ?? null,
    userAgent: e.meta?.userAgent?.slice(0, 512) ?? null,
    details: e.details ?? {},
  });
}
