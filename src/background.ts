import { ChangeWatcher } from './changes/change-watcher';
import type { Deps } from './deps';
import { advanceSigningKeys } from './signing/lifecycle';
import { signingPolicy } from './signing/signing-policy';
import { purgeExpiredRevocations } from './tokens/revoked-tokens';

export interface BackgroundOptions {
  usageFlushMs?: number;
  rotationCheckMs?: number;
  changePollMs?: number;
}

/**
 * The timers of a long-running instance: usage flushes, the signing-key schedule, the
 * revocation purge, and the change watcher that reloads signing keys other instances
 * rotated. Returns a stop that flushes what is buffered.
 */
export async function startBackground(deps: Deps, o: BackgroundOptions = {}): Promise<() => Promise<void>> {
  const report = (what: string) => (error: unknown) => deps.log.error(what, { error });
  const watcher = new ChangeWatcher(deps.database, report('change check failed'), o.changePollMs ?? 500);
  watcher.onChange(() => deps.revocations.invalidate());
  watcher.onChange(() => deps.keyset.refresh());
  await watcher.start();

  const tick = async () => {
    const now = deps.clock.now();
    const r = await advanceSigningKeys(deps.db, deps.kek, signingPolicy(deps.config), now);
    if (r.changed) await deps.keyset.refresh();
    if (r.rotated) deps.log.info('signing key rotated', r.rotated);
    await purgeExpiredRevocations(deps.db, now);
  };
  const timers = [
    setInterval(
      () => void deps.usage.flush(deps.db).catch(report('usage flush failed')),
      o.usageFlushMs ?? 5000,
    ),
    setInterval(() => void tick().catch(report('signing-key schedule failed')), o.rotationCheckMs ?? 60_000),
  ];
  for (const t of timers) t.unref?.();

  return async () => {
    for (const t of timers) clearInterval(t);
    await watcher.stop();
    await deps.usage.flush(deps.db).catch(report('final usage flush failed'));
  };
}
