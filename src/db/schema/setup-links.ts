import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The first-admin set-up links a server printed at start-up: only their digests, so a
 * link survives a restart and every instance on the database honours it.
 */
export const setupLinks = pgTable('setup_links', {
  digest: text('digest').primaryKey(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
});
