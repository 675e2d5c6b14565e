import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Access tokens revoked through /revoke; purged once they would have expired anyway. */
export const revokedTokens = pgTable(
  'revoked_tokens',
  {
    jti: text('jti').primaryKey(),
    orgId: text('org_id').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('revoked_tokens_expires_idx').on(t.expiresAt)],
);
