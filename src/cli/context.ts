import { isAbsolute, join, resolve } from 'node:path';
import { type Config, parseConfig } from '../config';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { DEFAULT_KEK_PATH } from '../signing/kek-file';
import type { CliIo } from './cli-io';

/**
 * The settings of io.env, with an embedded database's relative directory made absolute
 * against io.cwd (the process's own directory is not the caller's in a test).
 */
export function cliConfig(io: Pick<CliIo, 'env' | 'cwd'>): Config {
  const config = parseConfig(io.env);
  const prefix = 'pglite://';
  if (!config.databaseUrl.startsWith(prefix)) return config;
  const dir = config.databaseUrl.slice(prefix.length) || './data';
  return { ...config, databaseUrl: `${prefix}${isAbsolute(dir) ? dir : resolve(io.cwd, dir)}` };
}

/** keys/kek of the embedded set-up, under io.cwd. */
export const kekPath = (io: Pick<CliIo, 'cwd'>): string => join(io.cwd, DEFAULT_KEK_PATH);

/**
 * Runs `fn` with the database of DATABASE_URL, migrated first (as `serve` does), and
 * closes it after; an embedded directory held by a server is refused by the lock.
 */
export async function withDatabase<T>(
  io: CliIo,
  command: string,
  fn: (database: Database, config: Config) => Promise<T>,
): Promise<T> {
  const config = cliConfig(io);
  const database = await io.openDatabase(config.databaseUrl, `keymint ${command}`);
  try {
    await migrate(database, readMigrations());
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
