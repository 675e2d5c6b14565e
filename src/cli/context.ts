import { isAbsolute, join, resolve } from 'node:path';
import { type Config, parseConfig, readSettings, type Settings } from '../config';
import type { Database } from '../db/database';
import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { databaseFailure } from '../entry/startup-failure';
import { DEFAULT_KEK_PATH } from '../signing/kek-file';
import type { CliIo } from './cli-io';

/** An embedded database's relative directory made absolute against cwd (the process's own is not the caller's in a test). */
function withAbsoluteDataDir(config: Config, cwd: string): Config {
  const prefix = 'pglite://';
  if (!config.databaseUrl.startsWith(prefix)) return config;
  const dir = config.databaseUrl.slice(prefix.length) || './data';
  return { ...config, databaseUrl: `${prefix}${isAbsolute(dir) ? dir : resolve(cwd, dir)}` };
}

/** The settings of io.env, and what start-up reports about them (`serve`). */
export function cliSettings(io: Pick<CliIo, 'env' | 'cwd'>): Settings {
  const settings = readSettings(io.env);
  return { ...settings, config: withAbsoluteDataDir(settings.config, io.cwd) };
}

/** The settings alone: main has already warned about misspelt ones, so nothing more is worked out. */
export const cliConfig = (io: Pick<CliIo, 'env' | 'cwd'>): Config =>
  withAbsoluteDataDir(parseConfig(io.env), io.cwd);

/** keys/kek of the embedded set-up, under io.cwd. */
export const kekPath = (io: Pick<CliIo, 'cwd'>): string => join(io.cwd, DEFAULT_KEK_PATH);

/**
 * Opens DATABASE_URL's database and applies pending migrations (as `serve` does); a
 * database that is missing, unreachable or refusing the login is told as what to do.
 */
export async function openMigrated(
  io: CliIo,
  config: Config,
  command: string,
): Promise<{ database: Database; applied: string[] }> {
  const database = await io.openDatabase(config.databaseUrl, `keymint ${command}`);
  try {
    return { database, applied: await migrate(database, readMigrations()) };
  } catch (e) {
    await database.close().catch(() => {});
    throw databaseFailure(e, config.databaseUrl) ?? e;
  }
}

/**
 * Runs `fn` with the database of DATABASE_URL, migrated first, and closes it after; an
 * embedded directory held by a server is refused by the lock.
 */
export async function withDatabase<T>(
  io: CliIo,
  command: string,
  fn: (database: Database, config: Config) => Promise<T>,
): Promise<T> {
  const config = cliConfig(io);
  const { database } = await openMigrated(io, config, command);
  try {
    return await fn(database, config);
  } finally {
    await database.close();
  }
}
