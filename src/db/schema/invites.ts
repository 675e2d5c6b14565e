import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { orgs } from './orgs';
import type { UserRole } from './users';

/**
 * One-time links through which an admin brings someone into an organisation. The link
 * carries the token; the table keeps only its SHA-256 digest, so a leaked table opens nothing.
 */
export const invites = pgTable(
  'invites',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    /** Stored lower-cased: the invite is for this address only. */
    email: text('email').notNull(),
    role: text('role').$type<UserRole>().notNull(),
    tokenDigest: text('token_digest').notNull().unique(),
    /** Who invited (an email, or the operator's name), as `createdBy` on keys. */
    invitedBy: text('invited_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: text('accepted_by'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('invites_org_idx').on(t.orgId, t.createdAt)],
);

export type InviteRow = typeof invites.$inferSelect;
