// The keymint executable (`npm start`, `npm run keymint --`): the one place that reads the
// process (arguments, environment, standard streams, signals) and exits it.
import { systemClock } from '../lib/clock';
import { createLog } from '../lib/log';
import type { CliIo } from './cli-io';
import { main } from './main';

// A supervisor allows 10 s between SIGTERM and SIGKILL; whatever hangs, exit before that.
const LAST_RESORT_MS = 9500;

let running: (() => Promise<void>) | undefined;

/** SIGTERM or SIGINT stops what kept running (requests in flight finish), then exits. */
function stopOnSignal(stop: () => Promise<void>): void {
  const log = createLog();
  const shutdown = (signal: string) => {
    log.info('shutting down', { signal });
    setTimeout(() => {
      log.error(`shutdown took over ${LAST_RESORT_MS / 1000} s; exiting anyway`);
      process.exit(1);
    }, LAST_RESORT_MS).unref();
    stop().then(
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

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  // Opened only when a command reads it: an untouched stdin holds nothing open.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  clock: systemClock,
  // Loaded on first use: `help` and `token` never load the database drivers.
  openDatabase: async (url, command) => (await import('../db/open')).openDatabase(url, command),
  keepRunning: (stop) => {
    running = stop;
    stopOnSignal(stop);
  },
};

const code = await main(process.argv.slice(2), io);
// Everything but a server exits with its status (open handles would keep it alive).
if (code !== 0 || !running) process.exit(code);
