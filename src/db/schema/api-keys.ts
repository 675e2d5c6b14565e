import { boolean, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { orgs } from './orgs';

/** An API key. Its status is derived from enabled/expires_at/revoked_at, never stored twice. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    clientId: text('client_id').notNull().unique(),
    /** 'sha256:<hex>' for generated secrets; '$2…' bcrypt for imported ones. */
    secretDigest: text('secret_digest').notNull(),
    secretPreview: text('secret_preview').notNull(),
    previousSecretDigest: text('previous_secret_digest'),
    previousValidUntil: timestamp('previous_valid_until', { withTimezone: true }),
    scopes: text('scopes').array().notNull(),
    allowedCidrs: text('allowed_cidrs').array().notNull(),
    tokenTtlSeconds: integer('token_ttl_seconds'),
    enabled: boolean('enabled').notNull().default(true),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastUsedIp: text('last_used_ip'),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('api_keys_org_created_idx').on(t.orgId, t.createdAt)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
