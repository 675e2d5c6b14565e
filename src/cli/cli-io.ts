import type { Database } from '../db/database';
import type { Clock } from '../lib/clock';

export interface Writer {
  write(text: string): unknown;
}

/** Standard input as a stream (a terminal is prompted), or its whole text. */
export type Stdin = string | (AsyncIterable<Uint8Array | string> & { isTTY?: boolean });

/**
 * Everything a command may touch outside its arguments. The bin entry builds it from the
 * process; tests build it in memory, so `main` runs the same code either way.
 */
export interface CliIo {
  stdout: Writer;
  stderr: Writer;
  stdin: Stdin;
  /** The raw environment record: parseConfig reads the settings; `token --github-oidc` the runner's ACTIONS_ID_TOKEN_* variables. */
  env: Record<string, string | undefined>;
  /** Where relative paths resolve: the embedded database's directory, keys/kek. */
  cwd: string;
  clock: Clock;
  /** Opens DATABASE_URL's database (db/open's openDatabase in a real process). */
  openDatabase(url: string, command: string): Promise<Database>;
  /**
   * A command that keeps serving (serve, gateway) hands over how to stop it; the process
   * owner decides when (signals in the bin entry, the end of a test).
   */
  keepRunning(stop: () => Promise<void>): void;
}
