import { ConfigError } from '../config';
import { DataDirLockedError } from '../db/data-dir-lock';
import { asDomainError } from '../db/database-error';
import { StartupFailure } from '../entry/startup-failure';
import { KekError } from '../signing/kek';
import { CliError } from './cli-error';

/**
 * A failed command's one line for the operator, the exit code (2 for misuse, 1 for
 * refusals) and a stable code for `--json`: `usage`, `configuration`, the management
 * API's problem codes (`validation`, `not-found`, `conflict`, `active-key-limit`,
 * `forbidden`, `unavailable`, …), the start-up failures (`port-in-use`,
 * `database-missing`, `database-unreachable`, `database-login-refused`, …),
 * `database-locked`, `kek`, the token client's (`malformed-secret`, `token-refused`,
 * `issuer-unreachable`, …), else `refused` or `unexpected`.
 */
export function errorMessage(e: unknown): { message: string; code: number; errorCode: string } {
  if (e instanceof CliError) return { message: e.message, code: e.exitCode, errorCode: e.code };
  if (e instanceof ConfigError)
    return { message: `bad configuration: ${e.message}`, code: 2, errorCode: 'configuration' };
  if (e instanceof StartupFailure) return { message: e.message, code: 1, errorCode: e.code };
  const refusal = asDomainError(e);
  // An operator's tool: the driver's own words say which database and why.
  if (refusal?.code === 'unavailable' && refusal !== e)
    return {
      message: `cannot reach the database: ${(e as Error).message.split('\n')[0]}`,
      code: 1,
      errorCode: 'database-unreachable',
    };
  if (refusal) return { message: refusal.detail, code: 1, errorCode: refusal.code };
  if (e instanceof DataDirLockedError) return { message: e.message, code: 1, errorCode: 'database-locked' };
  if (e instanceof KekError) return { message: e.message, code: 1, errorCode: 'kek' };
  const err = e as Error | undefined;
  return {
    message: `unexpected error: ${err?.message ?? String(e)}`.split('\n')[0] as string,
    code: 1,
    errorCode: 'unexpected',
  };
}
