import { type ParseArgsConfig, parseArgs } from 'node:util';
import { usageError } from './cli-error';
import type { CliIo } from './cli-io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses one command's flags strictly; every command also takes --json. */
export function parseCommand<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    // Node's first sentence says what is wrong; its advice on '--' fits no keymint option.
    const what = ((e as Error).message.split('\n')[0] as string).replace(
      /\. To specify a positional .*$/,
      '',
    );
    throw usageError(`${what}; usage: ${usage}`);
  }
}

export function required(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw usageError(`${flag} is required; usage: ${usage}`);
  return value;
}

/** Refuses any operand beyond the first `allowed` (none, by default). */
export function noMoreArguments(positionals: string[], usage: string, allowed = 0): void {
  if (positionals.length > allowed)
    throw usageError(`unexpected argument "${positionals[allowed]}"; usage: ${usage}`);
}

export function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

/** The whole of standard input, less one trailing newline; a terminal is prompted first. */
export async function readStdin(io: Pick<CliIo, 'stdin' | 'stderr'>, what: string): Promise<string> {
  let text: string;
  if (typeof io.stdin === 'string') text = io.stdin;
  else {
    if (io.stdin.isTTY) io.stderr.write(`${what}: `);
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk));
    text = Buffer.concat(chunks).toString('utf8');
  }
  text = text.replace(/\r?\n$/, '');
  if (!text) throw usageError(`${what} is empty: pipe it on standard input`);
  return text;
}
