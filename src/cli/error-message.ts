import { ConfigError } from '../config';
import { DataDirLockedError } from '../db/data-dir-lock';
import { asDomainError } from '../db/database-error';
import { KekError } from '../signing/kek';
import { CliError } from './cli-error';

/** A failed command's one line for the operator, and the exit code: 2 for misuse, 1 for refusals. */
export function errorMessage(e: unknown): { message: string; code: number } {
  if (e instanceof CliError) return { message: e.message, code: e.exitCode };
  if (e instanceof ConfigError) return { message: `bad configuration: ${e.message}`, code: 2 };
  const refusal = asDomainError(e);
  // An operator's tool: the driver's own words say which database and why.
  if (refusal?.code === 'unavailable' && refusal !== e)
    return { message: `cannot reach the database: ${(e as Error).message.split('\n')[0]}`, code: 1 };
  if (refusal) return { message: refusal.detail, code: 1 };
  if (e instanceof DataDirLockedError || e instanceof KekError) return { message: e.message, code: 1 };
  const err = e as Error | undefined;
  return { message: `unexpected error: ${err?.message ?? String(e)}`.split('\n')[0] as string, code: 1 };
}
