import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';

/**
 * One row whose counter grows on every change other instances must feel (a revoked
 * key or token, a new current signing key). Instances poll it as the fallback to
 * LISTEN/NOTIFY, so a lost notification costs at most the polling interval.
 */
export const keymintState = pgTable('keymint_state', {
  id: integer('id').primaryKey(),
  changeSeq: bigint('change_seq', { mode: 'number' }).notNull().default(0),
});
