import type { Database } from './database';

export interface Migration {
  tag: string;
  /** Statements, split at drizzle-kit's `--> statement-breakpoint` markers. */
  statements: string[];
}

// Any constant will do; it only has to be the same for every keymint instance.
const MIGRATION_LOCK = 4_201_337;

/**
 * Applies pending migrations in one transaction under a transaction-scoped advisory
 * lock, so two instances starting together on one PostgreSQL never race: the second
 * waits, then finds nothing left to do. Returns the tags it applied.
 */
export async function migrate(database: Database, migrations: readonly Migration[]): Promise<string[]> {
  return database.rawTransaction(async (query) => {
    await query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await query(
      'CREATE TABLE IF NOT EXISTS keymint_migrations (tag text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await query('SELECT tag FROM keymint_migrations')).map((r) => String(r.tag)));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.tag)) continue;
      for (const statement of m.statements) await query(statement);
      await query('INSERT INTO keymint_migrations (tag) VALUES ($1)', [m.tag]);
      applied.push(m.tag);
    }
    return applied;
  });
}
