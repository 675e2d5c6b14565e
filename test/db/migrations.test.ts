import { describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/migrations-dir';

// Migrations run into whatever schema the search path names (a deployment's own, or a
// test's): a schema-qualified name would reach past it.
describe('migrations', () => {
  it('never name a schema', () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) {
      for (const statement of m.statements) expect(statement, m.tag).not.toMatch(/"public"\./);
    }
  });
});
