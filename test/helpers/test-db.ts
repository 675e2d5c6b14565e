import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { inject } from 'vitest';
import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { readMigrations } from '../../src/db/migrations-dir';
import { openPglite } from '../../src/db/pglite';
import { openPostgres } from '../../src/db/postgres';

export interface TestDatabase {
  database: Database;
  /** The postgres:// URL that reaches this database (PostgreSQL runs only), for child processes. */
  url?: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database: a schema of its own on TEST_DATABASE_URL when set (the
 * real migrations run into it), otherwise a PGlite copy of the run's migrated image.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `t_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE SCHEMA ${schema}`);
    const database = openPostgres(url, { searchPath: schema });
    await migrate(database, readMigrations());
    const withSchema = new URL(url);
    withSchema.searchParams.set('options', `-c search_path=${schema}`);
    return {
      database,
      url: withSchema.toString(),
      drop: async () => {
        await database.close();
        await admin.unsafe(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      },
    };
  }
  const image = new Blob([readFileSync(inject('pgliteSnapshot'))]);
  const database = await openPglite(undefined, image);
  return { database, drop: () => database.close() };
}
