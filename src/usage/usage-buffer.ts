import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { apiKeys, usageHourly } from '../db/schema/index';

interface Counter {
  keyId: string;
  orgId: string;
  hour: Date;
  issued: number;
  refused: number;
}

/**
 * Counts issued and refused tokens and last use in memory, written in one batch every
 * few seconds and on shutdown, so the token path itself writes nothing.
 */
export class UsageBuffer {
  /** `enabled: false` (USAGE_ACCOUNTING=off) counts nothing: for operators who want no usage data. */
  constructor(private readonly enabled = true) {}

  private counters = new Map<string, Counter>();
  private lastUsed = new Map<string, { at: Date; ip: string | null }>();
  private flushing: Promise<void> = Promise.resolve();

  record(keyId: string, orgId: string, at: Date, outcome: 'issued' | 'refused', ip?: string): void {
    if (!this.enabled) return;
    const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
    const id = `${keyId}|${hour.getTime()}`;
    let c = this.counters.get(id);
    if (!c) {
      c = { keyId, orgId, hour, issued: 0, refused: 0 };
      this.counters.set(id, c);
    }
    c[outcome]++;
    if (outcome === 'issued') this.lastUsed.set(keyId, { at, ip: ip ?? null });
  }

  get pending(): number {
    return this.counters.size;
  }

  /** Writes what has been counted; concurrent calls queue behind each other. */
  flush(db: Db): Promise<void> {
    this.flushing = this.flushing.then(() => this.write(db));
    return this.flushing;
  }

  private async write(db: Db): Promise<void> {
    if (this.counters.size === 0 && this.lastUsed.size === 0) return;
    const counters = [...this.counters.values()];
    const lastUsed = [...this.lastUsed.entries()];
    this.counters = new Map();
    this.lastUsed = new Map();
    try {
      if (counters.length > 0) {
        await db
          .insert(usageHourly)
          .values(counters)
          .onConflictDoUpdate({
            target: [usageHourly.keyId, usageHourly.hour],
            set: {
              issued: sql`${usageHourly.issued} + excluded.issued`,
              refused: sql`${usageHourly.refused} + excluded.refused`,
            },
          });
      }
      for (const [keyId, u] of lastUsed) {
        await db
          .update(apiKeys)
          .set({ lastUsedAt: u.at, lastUsedIp: u.ip })
          .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, u.at))));
      }
    } catch (e) {
      // Put the counts back so a passing database error loses nothing.
      for (const c of counters) {
        const id = `${c.keyId}|${c.hour.getTime()}`;
        const now = this.counters.get(id);
        if (now) {
          now.issued += c.issued;
          now.refused += c.refused;
        } else this.counters.set(id, c);
      }
      for (const [k, u] of lastUsed) if (!this.lastUsed.has(k)) this.lastUsed.set(k, u);
      throw e;
    }
  }
}
