import { type Config, parseConfig } from '../config';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { openDatabase } from '../db/open';

export function cliConfig(): Config {
  return parseConfig(process.env);
}

/**
 * Runs `fn` with the database of DATABASE_URL, migrated first (as `serve` does), and
 * closes it after; an embedded directory held by a server is refused by the lock.
 */
export async function withDatabase<T>(
  command: string,
  fn: (database: Database, config: Config) => Promise<T>,
): Promise<T> {
  const config = cliConfig();
  const database = await openDatabase(config.databaseUrl, `keymint ${command}`);
  try {
    await migrate(database, readMigrations());
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
