import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Database, Db } from './database';
import * as schema from './schema/index';

export interface PostgresOptions {
  /** Pool size; Workers want 1 per request. */
  max?: number;
  /** Schema to put first on the search_path (tests isolate themselves this way). */
  searchPath?: string;
}

const CONNECT_TIMEOUT_SECONDS = 3;

export function openPostgres(url: string, options: PostgresOptions = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // A database that is down must cost a request seconds, not the driver's default 30.
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    onnotice: () => {},
    ...(options.searchPath ? { connection: { search_path: options.searchPath } } : {}),
  });
  const db = drizzle(sql, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    rawTransaction: (fn) =>
      sql.begin((tx) => fn((text, params) => tx.unsafe(text, params as never[]) as Promise<never>)) as never,
    async listen(channel, onNotify) {
      const sub = await sql.listen(channel, () => onNotify());
      return () => sub.unlisten();
    },
    close: () => sql.end({ timeout: 1 }),
  };
}
