import { count } from 'drizzle-orm';
import type { Db } from '../db/database';
import { users } from '../db/schema/index';

/** Whether anybody can sign in yet: until then, a one-time set-up link creates the first admin. */
export async function hasUsers(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return Number(row?.n ?? 0) > 0;
}
