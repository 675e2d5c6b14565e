import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export type SigningKeyState = 'next' | 'current' | 'previous' | 'retired';

export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').$type<JsonWebKey>().notNull(),
  /** base64(iv || AES-256-GCM(private JWK)) under the KEK; null once retired. */
  privateJwkSealed: text('private_jwk_sealed'),
  state: text('state').$type<SigningKeyState>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  activatedAt: timestamp('activated_at', { withTimezone: true }),
  deactivatedAt: timestamp('deactivated_at', { withTimezone: true }),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
});

export type SigningKeyRow = typeof signingKeys.$inferSelect;
