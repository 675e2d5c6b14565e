import { eq } from 'drizzle-orm';
import type { Database } from '../db/database';
import { keymintState } from '../db/schema/index';
import { CHANGE_CHANNEL } from './bump';
import { HEARTBEAT_MS, type InstanceLease, LEASE_MS } from './instance-lease';
import { heartbeat, registerInstance, removeInstance } from './instances';

type Listener = () => Promise<void> | void;

/** Where the watcher reports failed and successful checks (see repeatedFailureLog). */
export interface CheckReport {
  failed(error: unknown): void;
  succeeded(): void;
}

/** Heartbeats in one check while changes keep arriving; the next tick carries on. */
const MAX_ROUNDS = 8;

/**
 * Follows the change counter (see bumpChange): polls it every `intervalMs` and also
 * listens for NOTIFY where the database offers it. When it moves, the drops run first
 * (synchronous: whatever memory must forget), then, for an instance holding a lease,
 * the acknowledgement is written, and only then the other listeners.
 *
 * With a lease, each poll is a heartbeat: it acknowledges what was dropped and renews
 * the lease only while caught up. An instance whose watcher stops (paused, partitioned,
 * failing) therefore loses its lease within LEASE_MS and serves from the database.
 */
export class ChangeWatcher {
  private seq = -1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly drops: (() => void)[] = [];
  private readonly listeners: Listener[] = [];
  private checking: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly report: CheckReport,
    private readonly intervalMs = HEARTBEAT_MS,
    private readonly lease?: InstanceLease,
  ) {}

  /** Runs, synchronously, before a change is acknowledged. */
  onDrop(drop: () => void): void {
    this.drops.push(drop);
  }

  /** Runs after a change is acknowledged (not on the first read). */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    if (this.lease) await registerInstance(this.database.db, this.lease.id);
    await this.check();
    // A lease needs several heartbeats in its span, whatever the polling asked for.
    const every = this.lease ? Math.min(this.intervalMs, LEASE_MS / 4) : this.intervalMs;
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref?.();
    if (this.database.listen) {
      try {
        this.unlisten = await this.database.listen(CHANGE_CHANNEL, () => void this.check());
      } catch (e) {
        this.report.failed(e); // polling still covers us
      }
    }
  }

  /**
   * Reads the counter and reacts if it moved. A call while a check runs makes it run once
   * more afterwards: a notification that arrives after the read must not wait for the
   * next tick.
   */
  check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = this.read().finally(() => {
      this.checking = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.check();
      }
    });
    return this.checking;
  }

  private async read(): Promise<void> {
    const first = this.seq === -1;
    let moved = false;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const seq = await this.beat();
        if (seq === undefined) continue; // registered again: beat once more
        if (seq === this.seq) break;
        // Moved (or, after a restored backup, went back): forget, then acknowledge.
        this.seq = seq;
        moved = true;
        this.dropAll();
        if (!this.lease) break;
      }
      this.report.succeeded();
    } catch (e) {
      // A database that fails the heartbeat may fail to tell us of changes too: serve
      // from it, not from memory, until a heartbeat succeeds again.
      this.lease?.end();
      this.report.failed(e);
    }
    if (!moved || first) return;
    for (const l of this.listeners) {
      try {
        await l();
      } catch (e) {
        this.report.failed(e);
      }
    }
  }

  private dropAll(): void {
    for (const drop of this.drops) drop();
  }

  /** One poll: the counter, and with a lease a heartbeat acknowledging `this.seq`. */
  private async beat(): Promise<number | undefined> {
    const { db } = this.database;
    if (!this.lease) {
      const [row] = await db
        .select({ seq: keymintState.changeSeq })
        .from(keymintState)
        .where(eq(keymintState.id, 1));
      return row?.seq ?? 0;
    }
    const sentAt = performance.now();
    const beat = await heartbeat(db, this.lease.id, this.seq, LEASE_MS);
    if (!beat) {
      // Forgotten (its lease had lapsed long ago): whatever memory holds may be stale.
      this.lease.end();
      this.seq = -1;
      this.dropAll();
      await registerInstance(db, this.lease.id);
      return undefined;
    }
    if (beat.renewed && !this.stopped) this.lease.renewed(sentAt);
    return beat.seq;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
    if (!this.lease) return;
    this.lease.end();
    await this.checking?.catch(() => {});
    // Its lease would lapse within LEASE_MS anyway; removing it spares changers the wait.
    await removeInstance(this.database.db, this.lease.id).catch(() => {});
  }
}
