import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Append-only: nothing updates or deletes these rows. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    action: text('action').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('audit_events_org_at_idx').on(t.orgId, t.at)],
);
