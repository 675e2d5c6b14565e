import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { keymintState } from '../db/schema/index';

export const CHANGE_CHANNEL = 'keymint_changes';

/**
 * Announces a change other instances must feel: the counter is the reliable path
 * (polled), the NOTIFY the fast one (delivered at commit). Returns the change's
 * sequence, the number instances acknowledge (see publishKeyChange).
 */
export async function bumpChange(db: Executor): Promise<number> {
  const [row] = await db
    .update(keymintState)
    .set({ changeSeq: sql`${keymintState.changeSeq} + 1` })
    .where(eq(keymintState.id, 1))
    .returning({ seq: keymintState.changeSeq });
  await db.execute(sql`SELECT pg_notify(${CHANGE_CHANNEL}, '')`);
  return row?.seq ?? 0;
}
