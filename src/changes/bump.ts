import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database';

export const CHANGE_CHANNEL = 'keymint_changes';

/**
 * Announces a change other instances must feel: the counter is the reliable path
 * (polled), the NOTIFY the fast one (delivered at commit on PostgreSQL).
 */
export async function bumpChange(db: Executor): Promise<void> {
  await db.execute(sql`UPDATE keymint_state SET change_seq = change_seq + 1 WHERE id = 1`);
  await db.execute(sql`SELECT pg_notify(${CHANGE_CHANNEL}, '')`);
}
