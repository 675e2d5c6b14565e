import type { Db } from '../db/database';
import type { Log } from '../lib/log';
import type { UsageBuffer } from './usage-buffer';

/** What the final flush may take of the 10 s a stopping server has (draining and closing the database take the rest). */
export const FINAL_FLUSH_MS = 3000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The flush at shutdown: retried for a bounded time, in case the database is briefly
 * away, each attempt cut off at the deadline (a database that never answers would
 * otherwise hold the exit). Logs what could not be written, and never throws. Times
 * are wall-clock on purpose: they bound a real shutdown.
 */
export async function flushBeforeExit(
  usage: UsageBuffer,
  db: Db,
  log: Log,
  budgetMs = FINAL_FLUSH_MS,
): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  let pause = 100;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts++;
    const left = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((r) => {
      timer = setTimeout(() => r('timeout'), Math.max(left, 0));
    });
    try {
      const outcome = await Promise.race([usage.flush(db), timeout]);
      if (outcome !== 'timeout') return true;
      lastError = new Error(`no answer within ${budgetMs} ms`);
    } catch (e) {
      lastError = e;
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() + pause >= deadline) break;
    await sleep(pause);
    pause = Math.min(pause * 2, 1000);
  }
  log.error('final usage flush gave up; these counts are lost', {
    error: lastError,
    attempts,
    unwrittenCounters: usage.pending,
    unwrittenLastUsed: usage.pendingLastUsed,
  });
  return false;
}
