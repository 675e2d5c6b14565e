import { migrate } from '../db/migrate';
import { readMigrations } from '../db/migrations-dir';
import { parseCommand } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { cliConfig } from './context';
import { print } from './output';

export async function migrateCommand(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(argv, {}, 'keymint migrate [--json]');
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"; usage: keymint migrate`);
  const config = cliConfig(io);
  const database = await io.openDatabase(config.databaseUrl, 'keymint migrate');
  try {
    const applied = await migrate(database, readMigrations());
    print(io.stdout, !!values.json, { applied }, () =>
      applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date.',
    );
  } finally {
    await database.close();
  }
}
