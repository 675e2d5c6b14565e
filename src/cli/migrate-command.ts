import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { openDatabase } from '../db/open';
import { parseCommand } from './args';
import { usageError } from './cli-error';
import { cliConfig } from './context';
import { print } from './output';

export async function migrateCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, {}, 'keymint migrate [--json]');
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"; usage: keymint migrate`);
  const config = cliConfig();
  const database = await openDatabase(config.databaseUrl, 'keymint migrate');
  try {
    const applied = await migrate(database, readMigrations());
    print(!!values.json, { applied }, () =>
      applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date.',
    );
  } finally {
    await database.close();
  }
}
