import { and, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Db, Executor } from '../db/database';
import { setupLinks } from '../db/schema/index';
import { randomBase62 } from '../lib/base62';
import { sha256Hex } from '../lib/encoding';

/** How long a printed set-up link works. */
export const SETUP_LINK_TTL_MS = 3_600_000;
const TOKEN_RE = /^[0-9A-Za-z]{32}$/;

/**
 * The one-time link through which the first admin creates their account (with a new
 * organisation, or by claiming one that has no members yet): valid for an hour, usable
 * once. Only its digest is kept, in the database, so the link survives a restart and
 * every instance on the database honours it. A restart prints a new link without
 * cancelling the earlier ones; the first one used spends them all.
 */
export class SetupLink {
  constructor(private readonly db: Db) {}

  async issue(now: Date): Promise<string> {
    const token = randomBase62(32);
    // Forget links nobody can use any more, so the table stays a handful of rows.
    await this.db.delete(setupLinks).where(or(lte(setupLinks.expiresAt, now), lte(setupLinks.usedAt, now)));
    await this.db.insert(setupLinks).values({
      digest: await sha256Hex(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SETUP_LINK_TTL_MS),
    });
    return token;
  }

  /** Until when the link works, or null when it is unknown, used or expired. */
  async validUntil(token: string, now: Date): Promise<Date | null> {
    if (!TOKEN_RE.test(token)) return null;
    const [row] = await this.db
      .select({ expiresAt: setupLinks.expiresAt })
      .from(setupLinks)
      .where(and(eq(setupLinks.digest, await sha256Hex(token)), this.usable(now)));
    return row?.expiresAt ?? null;
  }

  async valid(token: string, now: Date): Promise<boolean> {
    return (await this.validUntil(token, now)) !== null;
  }

  /**
   * Spends the link inside the caller's transaction, which then creates the account:
   * if that fails, the rollback makes the link usable again. Only one of two concurrent
   * uses wins (the row's conditional update). Every other outstanding link is spent
   * too: once an admin exists, links printed in logs should open nothing.
   */
  async spend(tx: Executor, token: string, now: Date): Promise<boolean> {
    if (!TOKEN_RE.test(token)) return false;
    const [row] = await tx
      .update(setupLinks)
      .set({ usedAt: now })
      .where(and(eq(setupLinks.digest, await sha256Hex(token)), this.usable(now)))
      .returning({ digest: setupLinks.digest });
    if (!row) return false;
    await tx.update(setupLinks).set({ usedAt: now }).where(isNull(setupLinks.usedAt));
    return true;
  }

  private usable(now: Date) {
    return and(isNull(setupLinks.usedAt), gt(setupLinks.expiresAt, now));
  }
}
