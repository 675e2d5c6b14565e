import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
// `node --import tsx` runs in one process, so a signal reaches keymint itself.
const TSX_LOADER = `file://${REPO}node_modules/tsx/dist/loader.mjs`;
const MAIN = `${REPO}src/cli/main.ts`;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `keymint <args>` as `npm run keymint --` would, in `cwd`, with only the given settings. */
export function spawnCli(args: string[], o: { cwd: string; env?: Record<string, string> }): ChildProcess {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...o.env,
  };
  return spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], {
    cwd: o.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
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
