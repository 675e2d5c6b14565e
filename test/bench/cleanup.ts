// Undo actions for everything the bench creates (children, databases, the admin
// connection), and abandoning a run: shared state, so every exit path removes all of it.
import type { Instance } from 'autocannon';

/** Undo actions, run last-in first-out, exactly once each. */
const cleanups: Array<() => Promise<void>> = [];
let currentLoad: Instance | undefined;
let finishing: Promise<void> | undefined;

/** Registers `fn` for the final clean-up; the returned function runs it early (once) and unregisters it. */
export function onCleanup(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = () => {
    done ??= fn().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
    return done;
  };
  cleanups.push(once);
  return async () => {
    const i = cleanups.indexOf(once);
    if (i >= 0) cleanups.splice(i, 1);
    await once();
  };
}

/** The autocannon run in progress, if any, so clean-up can stop it first. */
export function setCurrentLoad(load: Instance | undefined): void {
  currentLoad = load;
}

export function cleanUp(): Promise<void> {
  finishing ??= (async () => {
    currentLoad?.stop();
    while (cleanups.length > 0) await cleanups.pop()?.();
  })();
  return finishing;
}

/** Set once the run is being abandoned (Ctrl-C, SIGTERM, time budget): nothing more is measured. */
let aborting = false;

export function isAborting(): boolean {
  return aborting;
}

export function abort(reason: string, code: number): void {
  // npm, tsx and the terminal may each deliver the same Ctrl-C: act on the first only.
  if (aborting) return;
  aborting = true;
  console.error(`\nbench: ${reason}; cleaning up`);
  void cleanUp().finally(() => process.exit(code));
}
