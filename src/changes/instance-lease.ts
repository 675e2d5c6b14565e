import { newId } from '../lib/ids';

/**
 * The lease, in the database's time: a change is answered once every instance with a
 * current lease has acknowledged it, and at the latest this long after its commit, when
 * every lease renewed before the commit has lapsed (renewing after it needs the ack).
 * So a stuck instance delays a revoke by at most this much.
 */
export const LEASE_MS = 2000;

/** Heartbeats renew the lease four times in its span: three may be late or lost. */
export const HEARTBEAT_MS = 500;

/**
 * Taken off the lease on the instance's side, for what two clocks may disagree on over
 * two seconds (rates, a slewed server clock) and a timer firing late.
 */
const MARGIN_MS = 250;

/**
 * Whether this instance may serve key rows from memory now. The lease is measured on the
 * monotonic clock from before the renewing heartbeat was sent, so it ends before the
 * database's copy, which starts when the statement ran: once the database sees it
 * lapsed, this instance has already stopped.
 */
export class InstanceLease {
  readonly id = newId('ins');
  private endsAt = 0;

  current(): boolean {
    return performance.now() < this.endsAt;
  }

  /** A heartbeat sent at `sentAt` (performance.now()) renewed the lease. */
  renewed(sentAt: number): void {
    this.endsAt = Math.max(this.endsAt, sentAt + LEASE_MS - MARGIN_MS);
  }

  /** Stops serving from memory at once (stopping, or the registration was lost). */
  end(): void {
    this.endsAt = 0;
  }
}
