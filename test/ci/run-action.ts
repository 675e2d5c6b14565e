import { spawn } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ACTION_DIR = fileURLToPath(new URL('../../.github/actions/keymint-token', import.meta.url));

/** An executable's absolute path, found on this machine's PATH. */
export function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const path = join(dir, name);
    if (dir && existsSync(path)) return path;
  }
  throw new Error(`${name} is not installed`);
}

export interface ShellRun {
  code: number | null;
  /** stdout and stderr interleaved as the runner's log receives them. */
  log: string;
  /** The step outputs written to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Every command line curl was started with (argv after the name). */
  curlArgv: string[][];
}

/**
 * Runs a bash script as a GitHub Actions `run:` step does (`bash -e`, no pipefail) with
 * a fake runner environment: only the given variables, a GITHUB_OUTPUT file, and a PATH
 * holding nothing but a `curl` that records its argv before running the real one. So the
 * script is shown to need nothing but bash and curl, and its command lines can be read.
 */
export async function runStep(
  script: string,
  env: Record<string, string>,
  o: { shell?: string } = {},
): Promise<ShellRun> {
  const dir = mkdtempSync(join(tmpdir(), 'keymint-ci-'));
  try {
    const bin = join(dir, 'bin');
    const argvLog = join(dir, 'curl-argv');
    const outputFile = join(dir, 'github-output');
    const logFile = join(dir, 'log');
    const scriptFile = join(dir, 'step.sh');
    writeFileSync(outputFile, '');
    writeFileSync(argvLog, '');
    writeFileSync(scriptFile, script);
    // One record per start: the arguments NUL-separated, then a newline-NUL end mark.
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'curl'),
      `#!${which('bash')}\n{ printf '%s\\0' "$@"; printf '\\n\\0'; } >> '${argvLog}'\nexec '${which('curl')}' "$@"\n`,
    );
    chmodSync(join(bin, 'curl'), 0o755);
    symlinkSync(which('bash'), join(bin, 'bash'));
    const fd = openSync(logFile, 'w');
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(o.shell ?? which('bash'), ['-e', scriptFile], {
        env: { PATH: bin, HOME: dir, GITHUB_OUTPUT: outputFile, ...env },
        stdio: ['ignore', fd, fd],
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    closeSync(fd);
    const curlArgv = readFileSync(argvLog, 'utf8')
      .split('\n\0')
      .filter((r) => r !== '')
      .map((r) => r.split('\0').slice(0, -1));
    return {
      code,
      log: readFileSync(logFile, 'utf8'),
      outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
      curlArgv,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GITHUB_OUTPUT's two forms: `name=value` and `name<<DELIMITER` … `DELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const multi = /^([^=<]+)<<(.+)$/.exec(line);
    if (multi) {
      const end = lines.indexOf(multi[2] as string, i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${multi[2]}`);
      out[multi[1] as string] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    } else if (line !== '') throw new Error(`GITHUB_OUTPUT: unreadable line ${line}`);
  }
  return out;
}

/**
 * The composite action as the runner runs it: action.yml's step, its `env:` built from
 * the inputs (undeclared inputs are refused, missing ones default to ''), its `run:` line
 * with GITHUB_ACTION_PATH pointing at the action's folder.
 */
export function runAction(inputs: Record<string, string>, runnerEnv: Record<string, string> = {}) {
  const yml = readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8');
  const inputsPart = yml.slice(yml.indexOf('\ninputs:'), yml.indexOf('\noutputs:'));
  const declared = [...inputsPart.matchAll(/^ {2}([\w-]+):\n {4}description:/gm)].map((m) => m[1] as string);
  for (const name of Object.keys(inputs))
    if (!declared.includes(name)) throw new Error(`action.yml declares no input ${name}`);
  const env: Record<string, string> = { ...runnerEnv, GITHUB_ACTION_PATH: ACTION_DIR };
  for (const m of yml.matchAll(/^ {8}(\w+): \$\{\{ inputs\.([\w-]+) \}\}$/gm))
    env[m[1] as string] = inputs[m[2] as string] ?? '';
  const run = /^ {6}run: (.+)$/m.exec(yml)?.[1];
  if (!run) throw new Error('action.yml has no run line');
  return runStep(`${run}\n`, env);
}
