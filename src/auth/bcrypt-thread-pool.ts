import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BoundedRunner, type PasswordHasher } from './password-hasher';

// The worker is plain CommonJS evaluated from a string, so there is no worker file to
// find: it runs the same under tsx, vitest and the build (dist/node/), with bcryptjs
// resolved from this package's node_modules (the build leaves dependencies there).
const workerSource = (bcryptPath: string) => `
const { parentPort } = require('node:worker_threads');
const bcrypt = require(${JSON.stringify(bcryptPath)});
parentPort.on('message', ({ id, op, password, hash, cost }) => {
  try {
    const result = op === 'hash' ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash);
    parentPort.postMessage({ id, result });
  } catch (e) {
    parentPort.postMessage({ id, error: String(e && e.message || e) });
  }
});`;

interface Pending {
  resolve: (v: string | boolean) => void;
  reject: (e: Error) => void;
}

/**
 * bcrypt on worker threads (a cost-10 compare blocks its thread for ~60 ms), at most
 * one job per thread and a bounded queue in front, so sign-ins never stall /token.
 */
export function threadPoolHasher(
  cost: number,
  threads = Math.max(1, Math.min(2, availableParallelism() - 1)),
): PasswordHasher {
  const source = workerSource(createRequire(import.meta.url).resolve('bcryptjs'));
  // Threads start on first use: a worker thread holds ~10 MB, and an instance that only
  // issues tokens may never hash a password.
  const workers: Worker[] = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const free: Worker[] = [];
  const spawn = () => {
    const w = new Worker(source, { eval: true });
    w.unref();
    workers.push(w);
    free.push(w);
    w.on('message', (m: { id: number; result?: string | boolean; error?: string }) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result as string | boolean);
    });
  };
  const runner = new BoundedRunner(threads, 64);
  const call = (message: Record<string, unknown>) =>
    runner.run(async () => {
      if (free.length === 0 && workers.length < threads) spawn();
      const w = free.pop() as Worker;
      try {
        return await new Promise<string | boolean>((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          w.postMessage({ id, cost, ...message });
        });
      } finally {
        free.push(w);
      }
    });
  return {
    hash: async (password) => (await call({ op: 'hash', password })) as string,
    verify: async (password, hash) => (await call({ op: 'verify', password, hash })) as boolean,
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
