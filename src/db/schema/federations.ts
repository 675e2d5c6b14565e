import { boolean, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { orgs } from './orgs';

/**
 * A workload identity federation: a trust policy under which an OIDC ID token from an
 * allowed issuer (a GitHub Actions job's) is exchanged for an access token with no
 * stored secret. Its status is derived from enabled/revoked_at, never stored twice.
 */
export const federations = pgTable(
  'federations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    /** `kmf_` + 22 base62 characters: what a job presents as client_id. */
    clientId: text('client_id').notNull().unique(),
    issuer: text('issuer').notNull(),
    audience: text('audience').notNull(),
    /** The `sub` pattern (`*` matches within one `:`-separated part), or null for any subject. */
    subject: text('subject'),
    /** Claims the ID token must carry with exactly these string values. */
    claims: jsonb('claims').$type<Record<string, string>>().notNull(),
    scopes: text('scopes').array().notNull(),
    tokenTtlSeconds: integer('token_ttl_seconds'),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    createdBy: text('created_by').notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('federations_org_created_idx').on(t.orgId, t.createdAt)],
);

export type FederationRow = typeof federations.$inferSelect;

/**
 * ID tokens already exchanged, by issuer and `jti`, kept until they expire: inserting
 * the row is what makes a subject token single-use, atomically across instances.
 */
export const usedSubjectTokens = pgTable(
  'used_subject_tokens',
  {
    /** `<issuer> <jti>`. */
    id: text('id').primaryKey(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('used_subject_tokens_expires_idx').on(t.expiresAt)],
);
