import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/database';
import { keymintInstances, keymintState } from '../db/schema/index';

// The registry of instances that serve key rows from memory (see InstanceLease). Every
// time is the database's clock_timestamp(), so no instance's clock matters.

const dbNow = sql`clock_timestamp()`;

/** Rows whose lease lapsed this long ago belong to instances that are gone. */
const FORGET_AFTER = sql`interval '10 minutes'`;

/**
 * Adds an instance with a lapsed lease and nothing acknowledged: it serves nothing from
 * memory until its first heartbeat has caught up. Clears out long-gone instances.
 */
export async function registerInstance(db: Db, id: string): Promise<void> {
  await db.delete(keymintInstances).where(lt(keymintInstances.leaseUntil, sql`${dbNow} - ${FORGET_AFTER}`));
  await db
    .insert(keymintInstances)
    .values({ id, startedAt: dbNow, heartbeatAt: dbNow, leaseUntil: dbNow, ackedSeq: -1 } as never)
    .onConflictDoNothing();
}

export interface Heartbeat {
  /** The change counter now. */
  seq: number;
  /** Whether the lease was extended: only when `ackedSeq` is the counter itself. */
  renewed: boolean;
}

/**
 * Records that the instance's cache holds nothing older than `ackedSeq` and, only if that
 * is the counter's current value, extends its lease to now + `leaseMs`. The counter is
 * read FOR SHARE: a change holds its row lock until it commits, so a heartbeat either
 * commits before the change (and the changer then sees this lease and waits for the
 * ack) or reads the change's sequence (and cannot renew without acknowledging it).
 * Undefined when the instance has no row (it was forgotten): register it again.
 */
export async function heartbeat(
  db: Db,
  id: string,
  ackedSeq: number,
  leaseMs: number,
): Promise<Heartbeat | undefined> {
  const state = db
    .$with('state')
    .as(
      db
        .select({ seq: keymintState.changeSeq })
        .from(keymintState)
        .where(eq(keymintState.id, 1))
        .for('share'),
    );
  const caughtUp = sql`${state.seq} = ${ackedSeq}`;
  const [row] = await db
    .with(state)
    .update(keymintInstances)
    .set({
      ackedSeq,
      heartbeatAt: dbNow,
      leaseUntil: sql`CASE WHEN ${caughtUp} THEN ${dbNow} + ${leaseMs}::integer * interval '1 millisecond' ELSE ${keymintInstances.leaseUntil} END`,
    } as never)
    .from(state)
    .where(eq(keymintInstances.id, id))
    .returning({ seq: state.seq, renewed: sql<boolean>`${caughtUp}` });
  return row && { seq: Number(row.seq), renewed: row.renewed === true };
}

/** How many instances with a current lease have not yet acknowledged change `seq`. */
export async function unacknowledged(db: Db, seq: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(keymintInstances)
    .where(and(lt(keymintInstances.ackedSeq, seq), gt(keymintInstances.leaseUntil, dbNow)));
  return row?.n ?? 0;
}

/** Removes the instance once it no longer serves from memory (its lease would lapse anyway). */
export async function removeInstance(db: Db, id: string): Promise<void> {
  await db.delete(keymintInstances).where(eq(keymintInstances.id, id));
}
