import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NODE_BIN } from '../../src/build/build-node';
import type { CliIo } from '../../src/cli/cli-io';
import { main } from '../../src/cli/main';
import type { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/open';
import { type Clock, systemClock } from '../../src/lib/clock';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns `keymint <args>` as `npm run keymint --` does (the compiled build, which the
 * test run's global setup brings up to date), in `cwd`, with only the given settings.
 */
export function spawnCli(args: string[], o: { cwd: string; env?: Record<string, string> }): ChildProcess {
  if (!existsSync(NODE_BIN)) throw new Error(`${NODE_BIN} is missing: run \`npm run build\``);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...o.env,
  };
  // Plain node, no npm in between, so a signal reaches keymint itself.
  return spawn(process.execPath, [NODE_BIN, ...args], { cwd: o.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function runCli(
  args: string[],
  o: { cwd: string; env?: Record<string, string>; stdin?: string },
): Promise<CliResult> {
  const child = spawnCli(args, o);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdin?.end(o.stdin ?? '');
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export interface InProcessOptions {
  cwd: string;
  env?: Record<string, string>;
  stdin?: string;
  /**
   * An open database to hand every command instead of opening DATABASE_URL's (closing it
   * is left to the test). Without it, commands open DATABASE_URL as the binary does.
   */
  database?: Database;
  clock?: Clock;
  /** Runs while a command that keeps running (serve, gateway) is up, before it is stopped. */
  whileRunning?: () => Promise<void>;
}

/**
 * `keymint <args>` through `main(argv, io)` in this process: the same code as the binary
 * with its streams captured and only the given settings. A command that keeps running
 * (serve, gateway) is stopped before this resolves.
 */
export async function runMain(args: string[], o: InProcessOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const running: (() => Promise<void>)[] = [];
  const { database } = o;
  const io: CliIo = {
    stdout: { write: (t) => (stdout += t) },
    stderr: { write: (t) => (stderr += t) },
    stdin: o.stdin ?? '',
    env: { ...o.env },
    cwd: o.cwd,
    clock: o.clock ?? systemClock,
    openDatabase: database ? async () => ({ ...database, close: async () => {} }) : openDatabase,
    keepRunning: (stop) => running.push(stop),
  };
  const code = await main(args, io);
  try {
    if (running.length > 0) await o.whileRunning?.();
  } finally {
    for (const stop of running) await stop();
  }
  return { code, stdout, stderr };
}
