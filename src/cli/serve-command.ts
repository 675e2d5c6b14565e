import { threadPoolSize } from '../entry/thread-pool-size';
import { servesItself } from '../entry/worker-processes';
import { createLog } from '../lib/log';
import { noMoreArguments, parseCommand } from './args';
import type { CliIo } from './cli-io';
import { cliSettings, kekPath } from './context';
import { SERVE_USAGE } from './usage';

/** Starts the server and hands its stop to io: the bin entry stops it on SIGTERM/SIGINT. */
export async function serveCommand(argv: string[], io: CliIo): Promise<void> {
  const { positionals } = parseCommand(argv, {}, SERVE_USAGE.usage);
  noMoreArguments(positionals, SERVE_USAGE.usage);
  const log = createLog((line) => io.stderr.write(`${line}\n`));
  const { config, warnings, effective } = cliSettings(io);
  // The embedded database takes about half a second to start: it opens while the server's
  // modules load. (A primary of several worker processes opens none: they do.)
  const opening = servesItself(config) ? io.openDatabase(config.databaseUrl, 'keymint serve') : undefined;
  opening?.catch(() => {}); // its failure is reported where the server awaits it
  const { startServing } = await import('../entry/cluster');
  const server = await startServing(config, log, {
    openDatabase: (url, command) => opening ?? io.openDatabase(url, command),
    print: (text) => io.stdout.write(text),
    kekPath: kekPath(io),
    settings: { warnings, effective },
    threadPool: threadPoolSize(io.env),
  });
  io.keepRunning(server.stop);
}
