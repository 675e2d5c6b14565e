import { startNodeServer } from '../entry/node';
import { createLog } from '../lib/log';
import { parseCommand } from './args';
import { usageError } from './cli-error';
import { cliConfig } from './context';

export async function serveCommand(argv: string[]): Promise<void> {
  const { positionals } = parseCommand(argv, {}, 'keymint serve');
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"; usage: keymint serve`);
  const log = createLog();
  const server = await startNodeServer(cliConfig(), log);
  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    server.stop().then(
      () => process.exit(0),
      (e) => {
        log.error('shutdown failed', { error: e });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
