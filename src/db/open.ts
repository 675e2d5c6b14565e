import { resolve } from 'node:path';
import { lockDataDir } from './data-dir-lock';
import type { Database } from './database';
import { openPostgres } from './postgres';

/**
 * Opens the database named by DATABASE_URL (Node only). An embedded PGlite directory
 * is locked for this process first; `memory://` needs no lock.
 */
export async function openDatabase(url: string, command: string): Promise<Database> {
  if (!url.startsWith('memory://') && !url.startsWith('pglite://')) return openPostgres(url);
  // Loaded only for the embedded database: a server on PostgreSQL never holds PGlite.
  const { openPglite } = await import('./pglite');
  if (url.startsWith('memory://')) return openPglite(undefined);
  const dir = resolve(url.slice('pglite://'.length) || './data');
  const release = lockDataDir(dir, command);
  try {
    const database = await openPglite(dir);
    return {
      ...database,
      close: async () => {
        await database.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
