import type { Db } from '../db/database';
import { LEASE_MS } from './instance-lease';
import { unacknowledged } from './instances';

/** Over LEASE_MS, for the two clocks' rates; the instances keep a larger margin of their own. */
const WAIT_MARGIN_MS = 50;
const FIRST_PAUSE_MS = 1;
const MAX_PAUSE_MS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits, after change `seq` has committed, until no instance can still serve a key row
 * older than it from memory: each one with a current lease has acknowledged `seq` (it
 * dropped its cache after seeing the change), or LEASE_MS has passed since the commit —
 * by then every lease renewed before the commit has lapsed, and none could be renewed
 * after it without the acknowledgement. So the answer waits for the slowest live
 * instance, and for a stuck one at most LEASE_MS; if the database stops answering the
 * polls, the deadline alone still holds. Call it only once the commit has returned.
 */
export async function awaitAcknowledged(db: Db, seq: number): Promise<void> {
  const deadline = performance.now() + LEASE_MS + WAIT_MARGIN_MS;
  let pause = FIRST_PAUSE_MS;
  for (;;) {
    try {
      if ((await unacknowledged(db, seq)) === 0) return;
    } catch {
      // The deadline does not depend on reading the registry.
    }
    const left = deadline - performance.now();
    if (left <= 0) return;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}
