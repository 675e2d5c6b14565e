import { and, eq, gt, lte } from 'drizzle-orm';
import type { RequestMeta } from '../audit/actor';
import type { Db } from '../db/database';
import { type SessionRow, sessions, type UserRow, users } from '../db/schema/index';
import { randomBase62 } from '../lib/base62';
import { sha256Hex } from '../lib/encoding';

export const SESSION_COOKIE = 'keymint_session';
export const SESSION_TTL_SECONDS = 12 * 3600;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** A session for a signed-in user; the token goes in the cookie, only its digest in the table. */
export async function createSession(
  db: Db,
  userId: string,
  now: Date,
  meta: RequestMeta = {},
): Promise<NewSession> {
  const token = randomBase62(43);
  const csrfToken = randomBase62(32);
  const expiresAt = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);
  await db.insert(sessions).values({
    idDigest: await sha256Hex(token),
    userId,
    csrfToken,
    createdAt: now,
    expiresAt,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
  });
  return { token, csrfToken, expiresAt };
}

export async function findSession(
  db: Db,
  token: string,
  now: Date,
): Promise<{ session: SessionRow; user: UserRow } | null> {
  if (!/^[0-9A-Za-z]{43}$/.test(token)) return null;
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idDigest, await sha256Hex(token)), gt(sessions.expiresAt, now)));
  return row ?? null;
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idDigest, await sha256Hex(token)));
}

/** Deletes sessions past their expiry (run by the maintenance schedule); returns how many. */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(sessions)
    .where(lte(sessions.expiresAt, now))
    .returning({ id: sessions.idDigest });
  return gone.length;
}
