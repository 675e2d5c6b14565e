import { sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { apiKeys, usageHourly } from '../db/schema/index';

interface Counter {
  keyId: string;
  orgId: string;
  hour: Date;
  issued: number;
  refused: number;
}

interface LastUse {
  at: Date;
  ip: string | null;
}

export interface UsageLimits {
  /** Distinct key×hour counters held at once, written or not. */
  maxCounters?: number;
  /** Keys whose last use is held at once. */
  maxLastUsed?: number;
}

/**
 * The bound is what a database outage may cost in memory: about 200 bytes a counter, so
 * 20,000 counters (1,000 busy keys for 20 hours) stay under 5 MB. Past it, counts for a
 * key×hour already held keep counting, counts that would need a new counter are dropped
 * and added to `dropped.counts`; likewise last uses of keys not already held.
 */
export const DEFAULT_USAGE_LIMITS: Required<UsageLimits> = { maxCounters: 20_000, maxLastUsed: 20_000 };

/** What one successful write carried. */
export interface FlushResult {
  counters: number;
  lastUsed: number;
  /** Failed writes since the last good one: more than 0 means these were written late. */
  afterFailures: number;
}

/** Told of every write, whoever asked for it (the timer, the usage API, shutdown). */
export interface FlushListener {
  flushed(result: FlushResult): void;
  failed(error: unknown): void;
}

/** Rows per statement: 5 parameters a counter stays far below PostgreSQL's 65,535. */
const CHUNK = 1000;

const counterId = (keyId: string, hourMs: number) => `${keyId}|${hourMs}`;

/**
 * Counts issued and refused tokens and last use in memory, written in one transaction
 * every few seconds and on shutdown, so the token path itself writes nothing. A write
 * that fails puts everything back, to be written by the next one: what is counted while
 * the database is away is kept (within the bound above) until it returns.
 */
export class UsageBuffer {
  private readonly limits: Required<UsageLimits>;

  /** `enabled: false` (USAGE_ACCOUNTING=off) counts nothing: for operators who want no usage data. */
  constructor(
    private readonly enabled = true,
    limits: UsageLimits = {},
  ) {
    this.limits = { ...DEFAULT_USAGE_LIMITS, ...limits };
  }

  private counters = new Map<string, Counter>();
  private lastUsed = new Map<string, LastUse>();
  /** What the write in progress carries; it counts against the bound until it lands or comes back. */
  private inFlight = { counters: 0, lastUsed: 0 };
  private flushing: Promise<unknown> = Promise.resolve();
  private queued: Promise<FlushResult> | undefined;
  private listener: FlushListener | undefined;
  private failuresSinceGood = 0;
  private failedWrites = 0;
  /** Token outcomes and last uses not counted because the buffer was full. */
  readonly dropped = { counts: 0, lastUsed: 0 };

  record(keyId: string, orgId: string, at: Date, outcome: 'issued' | 'refused', ip?: string): void {
    if (!this.enabled) return;
    const hourMs = Math.floor(at.getTime() / 3_600_000) * 3_600_000;
    const id = counterId(keyId, hourMs);
    let c = this.counters.get(id);
    if (!c) {
      if (this.counters.size + this.inFlight.counters >= this.limits.maxCounters) this.dropped.counts++;
      else {
        c = { keyId, orgId, hour: new Date(hourMs), issued: 0, refused: 0 };
        this.counters.set(id, c);
      }
    }
    if (c) c[outcome]++;
    if (outcome !== 'issued') return;
    // Entries of a write in flight live in its own snapshot, so updating in place is safe.
    const last = this.lastUsed.get(keyId);
    if (last) {
      if (last.at.getTime() <= at.getTime()) {
        last.at = at;
        last.ip = ip ?? null;
      }
    } else if (this.lastUsed.size + this.inFlight.lastUsed >= this.limits.maxLastUsed)
      this.dropped.lastUsed++;
    else this.lastUsed.set(keyId, { at, ip: ip ?? null });
  }

  /** Key×hour counters not yet written, including those of a write in progress. */
  get pending(): number {
    return this.counters.size + this.inFlight.counters;
  }

  /** Last-use entries not yet written, including those of a write in progress. */
  get pendingLastUsed(): number {
    return this.lastUsed.size + this.inFlight.lastUsed;
  }

  /** Writes that failed since start. */
  get failures(): number {
    return this.failedWrites;
  }

  /** Sets the one listener (the background's log); undefined removes it. */
  listen(listener: FlushListener | undefined): void {
    this.listener = listener;
  }

  /**
   * Writes what has been counted up to this call. Writes run one at a time; callers
   * arriving while one runs share the single write queued behind it, so a slow
   * database never piles up writes. A failed write rejects its callers and leaves the
   * next write free to run.
   */
  flush(db: Db): Promise<FlushResult> {
    if (this.queued) return this.queued;
    const next = this.flushing.then(() => {
      this.queued = undefined;
      return this.write(db);
    });
    this.queued = next;
    this.flushing = next.catch(() => {});
    return next;
  }

  private async write(db: Db): Promise<FlushResult> {
    if (this.counters.size === 0 && this.lastUsed.size === 0) {
      return { counters: 0, lastUsed: 0, afterFailures: 0 };
    }
    const counters = [...this.counters.values()];
    const lastUsed = [...this.lastUsed.entries()];
    this.counters = new Map();
    this.lastUsed = new Map();
    this.inFlight = { counters: counters.length, lastUsed: lastUsed.length };
    try {
      // One transaction: a write lands whole or not at all, so putting it back can never count twice.
      await db.transaction(async (tx) => {
        for (let i = 0; i < counters.length; i += CHUNK) {
          await tx
            .insert(usageHourly)
            .values(counters.slice(i, i + CHUNK))
            .onConflictDoUpdate({
              target: [usageHourly.keyId, usageHourly.hour],
              set: {
                issued: sql`${usageHourly.issued} + excluded.issued`,
                refused: sql`${usageHourly.refused} + excluded.refused`,
              },
            });
        }
        for (let i = 0; i < lastUsed.length; i += CHUNK)
          await tx.execute(lastUsedUpdate(lastUsed.slice(i, i + CHUNK)));
      });
    } catch (e) {
      this.inFlight = { counters: 0, lastUsed: 0 };
      this.putBack(counters, lastUsed);
      this.failedWrites++;
      this.failuresSinceGood++;
      this.listener?.failed(e);
      throw e;
    }
    this.inFlight = { counters: 0, lastUsed: 0 };
    const result = {
      counters: counters.length,
      lastUsed: lastUsed.length,
      afterFailures: this.failuresSinceGood,
    };
    this.failuresSinceGood = 0;
    this.listener?.flushed(result);
    return result;
  }

  /** Adds a failed write back to what was counted meanwhile; the bound held for both together. */
  private putBack(counters: Counter[], lastUsed: [string, LastUse][]): void {
    for (const c of counters) {
      const id = counterId(c.keyId, c.hour.getTime());
      const now = this.counters.get(id);
      if (now) {
        now.issued += c.issued;
        now.refused += c.refused;
      } else this.counters.set(id, c);
    }
    for (const [k, u] of lastUsed) {
      const now = this.lastUsed.get(k);
      if (!now || now.at.getTime() < u.at.getTime()) this.lastUsed.set(k, u);
    }
  }
}

/** Moves each key's last use forward, never back (another instance may have seen a later one). */
function lastUsedUpdate(entries: [string, LastUse][]) {
  const rows = sql.join(
    entries.map(([id, u]) => sql`(${id}::text, ${u.at.toISOString()}::timestamptz, ${u.ip}::text)`),
    sql`, `,
  );
  return sql`update ${apiKeys} set ${sql.identifier(apiKeys.lastUsedAt.name)} = v.at, ${sql.identifier(apiKeys.lastUsedIp.name)} = v.ip
    from (values ${rows}) as v(id, at, ip)
    where ${apiKeys.id} = v.id and (${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < v.at)`;
}
