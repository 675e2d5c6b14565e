import { startNodeServer } from '../entry/node';
import { createLog } from '../lib/log';
import { parseCommand } from './args';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { cliConfig, kekPath } from './context';

/** Starts the server and hands its stop to io: the bin entry stops it on SIGTERM/SIGINT. */
export async function serveCommand(argv: string[], io: CliIo): Promise<void> {
  const { positionals } = parseCommand(argv, {}, 'keymint serve');
  if (positionals.length > 0)
    throw usageError(`unexpected argument "${positionals[0]}"; usage: keymint serve`);
  const log = createLog((line) => io.stderr.write(`${line}\n`));
  const server = await startNodeServer(cliConfig(io), log, {
    openDatabase: (url, command) => io.openDatabase(url, command),
    print: (text) => io.stdout.write(text),
    kekPath: kekPath(io),
  });
  io.keepRunning(server.stop);
}
