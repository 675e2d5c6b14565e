import type { Clock } from '../lib/clock';
import type { Log } from '../lib/log';
import type { FlushListener, UsageBuffer } from './usage-buffer';

/** How often a flush that keeps failing is mentioned again. */
export const REMINDER_MS = 60_000;

/**
 * Logs usage flushes for operators without a line every few seconds during an outage:
 * the first failure, then a reminder at most once a minute, then the recovery with how
 * much was written late.
 */
export function usageFlushLog(log: Log, clock: Clock, usage: UsageBuffer): FlushListener {
  let since: Date | undefined;
  let lastLine = 0;
  const backlog = () => ({ pendingCounters: usage.pending, pendingLastUsed: usage.pendingLastUsed });
  return {
    failed(error) {
      const now = clock.now();
      if (!since) {
        since = now;
        lastLine = now.getTime();
        log.error('usage flush failed; counts are kept and retried', { error, ...backlog() });
      } else if (now.getTime() - lastLine >= REMINDER_MS) {
        lastLine = now.getTime();
        log.warn('usage flush still failing', {
          error,
          failingForSeconds: Math.round((now.getTime() - since.getTime()) / 1000),
          ...backlog(),
          dropped: { ...usage.dropped },
        });
      }
    },
    flushed(result) {
      if (!since || result.afterFailures === 0) return;
      const now = clock.now();
      log.info('usage flush recovered', {
        writtenLate: { counters: result.counters, lastUsed: result.lastUsed },
        failedWrites: result.afterFailures,
        failedForSeconds: Math.round((now.getTime() - since.getTime()) / 1000),
        dropped: { ...usage.dropped },
      });
      since = undefined;
    },
  };
}
