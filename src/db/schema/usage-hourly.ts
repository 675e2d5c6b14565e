import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const usageHourly = pgTable(
  'usage_hourly',
  {
    keyId: text('key_id').notNull(),
    orgId: text('org_id').notNull(),
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    issued: integer('issued').notNull().default(0),
    refused: integer('refused').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.hour] })],
);
