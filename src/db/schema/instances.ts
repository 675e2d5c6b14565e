import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The instances that serve key rows from memory, each with a lease it renews while it
 * keeps up with keymint_state's change counter. A change is answered once every instance
 * whose lease is current has acknowledged its sequence (dropped what it cached), so
 * an instance that cannot keep up stops serving from memory before anyone is told the
 * change is done. Times are the database's clock, never an instance's.
 */
export const keymintInstances = pgTable('keymint_instances', {
  id: text('id').primaryKey(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull(),
  /** Until when the instance may serve from its cache: renewed only while it is caught up. */
  leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
  /** The change sequence up to which its cache holds nothing older. */
  ackedSeq: bigint('acked_seq', { mode: 'number' }).notNull(),
});
