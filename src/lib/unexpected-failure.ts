import type { Log } from './log';

/**
 * Logs a failure no rule explains — once, with its stack — and returns the request id
 * that the caller's fixed answer names, so the answer and the log line can be matched.
 */
export function reportUnexpected(
  log: Log,
  error: unknown,
  request: { method: string; path: string },
): string {
  const requestId = crypto.randomUUID();
  log.error('unexpected error', { requestId, method: request.method, path: request.path, error });
  return requestId;
}

/** The one text every surface answers an unexpected failure with. */
export const internalErrorMessage = (requestId: string): string => `internal error (request ${requestId})`;
