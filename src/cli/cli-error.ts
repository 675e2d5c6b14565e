/**
 * A one-line message for the operator; exit code 2 for misuse, 1 for refusals. `code` is
 * the stable name `--json` prints (`usage` for misuse).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly code = exitCode === 2 ? 'usage' : 'refused',
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, 2, 'usage');
