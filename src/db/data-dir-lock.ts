import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';

export class DataDirLockedError extends Error {}

interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no inter-process lock and two writers corrupt a data directory, so every
 * keymint process takes `<dir>.lock` (beside the directory: PGlite wants its own
 * directory to itself). A lock whose process is gone is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  const path = `${resolve(dataDir)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const me: Holder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      const release = () => {
        try {
          if ((JSON.parse(readFileSync(path, 'utf8')) as Holder).pid === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: Holder | undefined;
    try {
      holder = JSON.parse(readFileSync(path, 'utf8')) as Holder;
    } catch {
      holder = undefined; // half-written or unreadable: treat as stale
    }
    if (holder && (holder.host !== me.host || alive(holder.pid))) {
      throw new DataDirLockedError(
        `the embedded database ${dataDir} is held by "${holder.command}" (pid ${holder.pid} on ${holder.host}, since ${holder.since}); stop it first, or use DATABASE_URL=postgres://… to share a database between processes`,
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // someone else removed it first
    }
  }
  throw new DataDirLockedError(`could not lock ${path}; another keymint process is starting on ${dataDir}`);
}
