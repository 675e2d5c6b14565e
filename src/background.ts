import { purgeExpiredSessions } from './auth/sessions';
import { ChangeWatcher } from './changes/change-watcher';
import { HEARTBEAT_MS } from './changes/instance-lease';
import type { Deps } from './deps';
import { purgeUsedSubjectTokens } from './federation/exchange-replay-guard';
import { repeatedFailureLog } from './lib/repeated-failure-log';
import { advanceSigningKeys } from './signing/lifecycle';
import { signingPolicy } from './signing/signing-policy';
import { purgeExpiredRevocations } from './tokens/revoked-tokens';
import { FINAL_FLUSH_MS, flushBeforeExit } from './usage/final-flush';
import { usageFlushLog } from './usage/flush-log';

export interface BackgroundOptions {
  usageFlushMs?: number;
  rotationCheckMs?: number;
  changePollMs?: number;
  /** How long the flush at stop keeps retrying a database that is away. */
  finalFlushMs?: number;
}

/**
 * What an instance forgets on every change: dropped before the change is acknowledged,
 * so its changer answers only after this.
 */
export function dropCachesOnChange(watcher: ChangeWatcher, deps: Deps): void {
  watcher.onDrop(() => deps.keyCache.drop());
  watcher.onDrop(() => deps.revocations.invalidate());
}

/**
 * The timers of a long-running instance: usage flushes, the signing-key schedule, the
 * revocation purge, and the change watcher that keeps the instance's lease, drops its
 * caches on every change and reloads signing keys other instances rotated. Returns a
 * stop that flushes what is buffered, retrying for a bounded time.
 */
export async function startBackground(deps: Deps, o: BackgroundOptions = {}): Promise<() => Promise<void>> {
  const nowMs = () => deps.clock.now().getTime();
  // The watcher holds this instance's lease: while it keeps up with the change counter
  // the token path may serve key rows from memory (see publishKeyChange).
  const watcher = new ChangeWatcher(
    deps.database,
    repeatedFailureLog(deps.log, 'change check', nowMs),
    o.changePollMs ?? HEARTBEAT_MS,
    deps.instance,
  );
  dropCachesOnChange(watcher, deps);
  watcher.onChange(() => deps.keyset.refresh());
  await watcher.start();

  const schedule = repeatedFailureLog(deps.log, 'signing-key schedule', nowMs);
  const tick = async () => {
    const now = deps.clock.now();
    const r = await advanceSigningKeys(deps.db, deps.kek, signingPolicy(deps.config), now);
    if (r.changed) await deps.keyset.refresh();
    if (r.rotated) deps.log.info('signing key rotated', r.rotated);
    await purgeExpiredRevocations(deps.db, now);
    await purgeExpiredSessions(deps.db, now);
    await purgeUsedSubjectTokens(deps.db, now);
  };
  // Every flush, whoever asks for it, reports to this log: the first failure, a reminder
  // a minute, the recovery. A tick while a write hangs joins the one queued behind it.
  deps.usage.listen(usageFlushLog(deps.log, deps.clock, deps.usage));
  const timers = [
    setInterval(() => void deps.usage.flush(deps.db).catch(() => {}), o.usageFlushMs ?? 5000),
    setInterval(() => void tick().then(schedule.succeeded, schedule.failed), o.rotationCheckMs ?? 60_000),
  ];
  for (const t of timers) t.unref?.();

  return async () => {
    for (const t of timers) clearInterval(t);
    await watcher.stop();
    await flushBeforeExit(deps.usage, deps.db, deps.log, o.finalFlushMs ?? FINAL_FLUSH_MS);
    deps.usage.listen(undefined);
  };
}
