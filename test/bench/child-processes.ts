// Starting node children for the bench (servers and CLI runs) with a clean environment,
// and waiting for them to be ready.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../src/config';
import { onCleanup } from './cleanup';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH_DIR, '../..');

/** keymint's settings (every variable it reads), so nothing inherited from the caller's shell changes the run. */
const KEYMINT_VARS = Object.keys(configSchema.in.shape);

export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production' };
  for (const k of KEYMINT_VARS) delete env[k];
  return { ...env, ...extra };
}

export interface Child {
  proc: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

/** From --cpu-prof: where server children write V8 CPU profiles (on exit). */
let cpuProfDir: string | undefined;

export function setCpuProfDir(dir: string | undefined): void {
  cpuProfDir = dir;
}

/** Node arguments for a server child, with --cpu-prof when asked for. */
export const profiled = (args: string[]) =>
  cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`, ...args] : args;

export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const l of chunk.toString('utf8').split('\n')) if (l.trim()) lines.push(l);
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  proc.on('error', (e) => lines.push(`${name}: ${e.message}`));
  const exited = new Promise<void>((r) =>
    proc.once('exit', (code, signal) => {
      lines.push(`(${name} exited: ${signal ?? `code ${code}`})`);
      r();
    }),
  );
  const stop = onCleanup(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  return { proc, tail: () => lines.join('\n'), stop };
}

/** Runs the keymint CLI to completion and returns its stdout. */
export async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const proc = spawn(process.execPath, ['dist/node/keymint.cjs', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString('utf8');
  });
  const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((r, f) => {
    proc.once('error', f);
    proc.once('exit', (c) => r(c));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) throw new Error(`keymint ${args.slice(0, 2).join(' ')} failed (${code}): ${err.trim()}`);
  return out;
}

export async function waitFor(what: string, child: Child, probe: () => Promise<boolean>, ms = 90_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null)
      throw new Error(`${what} exited before it was ready:\n${child.tail()}`);
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} was not ready within ${ms / 1000} s:\n${child.tail()}`);
}
