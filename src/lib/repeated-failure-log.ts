import type { Log } from './log';

/**
 * Logs a background task that fails every time it runs (a database outage) without a
 * line per attempt: the first failure, a reminder at most once a minute, and the
 * recovery with how long it lasted.
 */
export function repeatedFailureLog(log: Log, what: string, nowMs: () => number, reminderMs = 60_000) {
  let since: number | undefined;
  let lastLine = 0;
  return {
    failed(error: unknown): void {
      const now = nowMs();
      if (since === undefined) {
        since = lastLine = now;
        log.error(`${what} failed`, { error });
      } else if (now - lastLine >= reminderMs) {
        lastLine = now;
        log.warn(`${what} still failing`, { error, failingForSeconds: Math.round((now - since) / 1000) });
      }
    },
    succeeded(): void {
      if (since === undefined) return;
      log.info(`${what} recovered`, { failedForSeconds: Math.round((nowMs() - since) / 1000) });
      since = undefined;
    },
  };
}
