import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Database, Db } from './database';
import * as schema from './schema/index';

/** Opens an embedded database: a data directory, or memory when `dataDir` is undefined. */
export async function openPglite(dataDir: string | undefined, loadDataDir?: Blob): Promise<Database> {
  const client = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    rawTransaction: (fn) =>
      client.transaction((tx) => fn(async (text, params) => (await tx.query(text, params)).rows as never)),
    // In-process NOTIFY: a change acknowledged at its commit, not at the next poll.
    async listen(channel, onNotify) {
      return client.listen(channel, () => onNotify());
    },
    close: () => client.close(),
  };
}

/** A snapshot of a PGlite database, to open copies of it quickly (tests). */
export async function dumpPglite(database: Database): Promise<Blob> {
  const client = (database.db as unknown as { $client: PGlite }).$client;
  return client.dumpDataDir('none');
}
