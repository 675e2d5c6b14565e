import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { type Config, isPostgresUrl } from '../config';

/** How many processes WORKER_PROCESSES asks for ('auto': one per core). */
export function workerProcesses(config: Pick<Config, 'workerProcesses'>): number {
  return config.workerProcesses === 'auto' ? availableParallelism() : config.workerProcesses;
}

/**
 * Whether this process serves requests itself: a worker, or the only process. A primary
 * of several workers (PostgreSQL only) serves nothing and opens no database.
 */
export function servesItself(config: Pick<Config, 'workerProcesses' | 'databaseUrl'>): boolean {
  return cluster.isWorker || workerProcesses(config) <= 1 || !isPostgresUrl(config.databaseUrl);
}
