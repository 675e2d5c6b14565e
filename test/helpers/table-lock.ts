import type postgres from 'postgres';

/**
 * Holds `table` locked (ACCESS EXCLUSIVE) in a transaction of its own on `sql`, so every
 * other read of it waits, until release() ends the transaction.
 */
export async function lockTable(sql: postgres.Sql, table: string): Promise<{ release(): Promise<void> }> {
  let release = () => {};
  const released = new Promise<void>((r) => {
    release = r;
  });
  let locked = () => {};
  const isLocked = new Promise<void>((r) => {
    locked = r;
  });
  const holding = sql.begin(async (tx) => {
    await tx.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    locked();
    await released;
  });
  // A lock that cannot be taken rejects `holding` before `isLocked` settles.
  await Promise.race([isLocked, holding]);
  return {
    release: async () => {
      release();
      await holding;
    },
  };
}
