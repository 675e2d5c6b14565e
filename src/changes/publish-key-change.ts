import type { Db, Tx } from '../db/database';
import { awaitAcknowledged } from './acknowledge';
import { bumpChange } from './bump';

/** Announces, inside the change's transaction, that a key or federation changed. */
export type Announce = () => Promise<void>;

/**
 * The one way a key or federation changes: `change` runs in a transaction and calls
 * `announce` when it changed something every instance must feel (the counter and
 * NOTIFY, in the same transaction). After the commit this waits until every live
 * instance has dropped what it cached (see awaitAcknowledged), so when a service
 * returns — and the API, console, CLI or MCP answers — no instance issues a token on
 * the old state.
 */
export async function publishKeyChange<T>(
  db: Db,
  change: (tx: Tx, announce: Announce) => Promise<T>,
): Promise<T> {
  let seq: number | undefined;
  const result = await db.transaction((tx) =>
    change(tx, async () => {
      seq = await bumpChange(tx);
    }),
  );
  if (seq !== undefined) await awaitAcknowledged(db, seq);
  return result;
}
