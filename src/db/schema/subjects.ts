import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { orgs } from './orgs';

/** The records the built-in GraphQL schema serves, one set per organisation. */
export const subjects = pgTable(
  'subjects',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('subjects_org_idx').on(t.orgId, t.createdAt)],
);

export type SubjectRow = typeof subjects.$inferSelect;
