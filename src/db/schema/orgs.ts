import { boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const orgs = pgTable('orgs', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  maxActiveKeys: integer('max_active_keys').notNull().default(10),
  defaultExpiryDays: integer('default_expiry_days').notNull().default(90),
  /** null = no cap on how far ahead a key may expire. */
  maxExpiryDays: integer('max_expiry_days'),
  allowNeverExpiry: boolean('allow_never_expiry').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export type OrgRow = typeof orgs.$inferSelect;
