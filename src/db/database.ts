import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type * as schema from './schema/index';

export type Schema = typeof schema;
/** The drizzle handle services use; the same type over PGlite and postgres.js. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export type Row = Record<string, unknown>;
export type RawQuery = (text: string, params?: unknown[]) => Promise<Row[]>;

/** A connection to PostgreSQL or PGlite, with what drizzle alone cannot do. */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  /** Runs raw SQL inside one transaction (migrations: multi-statement DDL). */
  rawTransaction<T>(fn: (query: RawQuery) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel where the server supports it; returns an unsubscribe. */
  listen?(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
