import { noMoreArguments, parseCommand } from './args';
import type { CliIo } from './cli-io';
import { cliConfig, openMigrated } from './context';
import { print } from './output';
import { MIGRATE_USAGE } from './usage';

export async function migrateCommand(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(argv, {}, MIGRATE_USAGE.usage);
  noMoreArguments(positionals, MIGRATE_USAGE.usage);
  const { database, applied } = await openMigrated(io, cliConfig(io), 'migrate');
  try {
    print(io.stdout, !!values.json, { applied }, () =>
      applied.length ? `Applied ${applied.join(', ')}` : 'The database is up to date.',
    );
  } finally {
    await database.close();
  }
}
