import cluster, { type Worker } from 'node:cluster';
import { CliError } from '../cli/cli-error';
import { type Config, isPostgresUrl } from '../config';
import type { Log } from '../lib/log';
import { mergeExpositions } from '../metrics/merge-expositions';
import { loadOrCreateKek } from '../signing/kek-file';
import { logSettings, type NodeServerHost, type RunningServer, startNodeServer } from './node';
import { workerProcesses } from './worker-processes';

/** A worker that exits is replaced after this, doubled per recent exit, up to a ceiling. */
const RESTART_MS = 1000;
const MAX_RESTART_MS = 30_000;
/** Exits within this of each other count as recent. */
const RECENT_MS = 60_000;

/**
 * `keymint serve`: one process, or, with WORKER_PROCESSES above 1 on PostgreSQL, a
 * primary that starts that many worker processes sharing the port (node:cluster). Each
 * worker is a whole instance, as a separate server on the same database would be: its
 * own pool, caches, usage flushes and change watcher; the signing-key schedule and the
 * purges are safe from every one of them (they take advisory locks). The primary serves
 * nothing itself: it starts the workers, replaces one that dies, and on SIGTERM passes
 * the signal on and waits for every worker to drain.
 */
export async function startServing(
  config: Config,
  log: Log,
  host: NodeServerHost = {},
): Promise<RunningServer> {
  if (cluster.isWorker) {
    // The primary reported the settings; only the first worker issues the set-up link.
    const worker = cluster.worker as Worker;
    // A primary that is gone (killed) cannot hand over connections any more: drain and stop.
    worker.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    const { settings: _reported, ...own } = host;
    const metrics = workerMetrics();
    const server = await startNodeServer(config, log, {
      ...own,
      announceSetup: worker.id === 1,
      gatherMetrics: metrics.gather,
    });
    metrics.answerWith(() => server.renderMetrics?.() ?? '');
    return server;
  }
  const wanted = workerProcesses(config);
  if (wanted > 1 && !isPostgresUrl(config.databaseUrl)) {
    log.warn(
      `WORKER_PROCESSES=${config.workerProcesses} ignored: serving from one process, because the embedded database ` +
        '(PGlite) runs inside a single process and its data directory is locked to it; set DATABASE_URL to ' +
        'PostgreSQL to run several',
    );
    return startNodeServer(config, log, host);
  }
  if (wanted <= 1) return startNodeServer(config, log, host);
  return startPrimary(config, log, host, wanted);
}

async function startPrimary(
  config: Config,
  log: Log,
  host: NodeServerHost,
  wanted: number,
): Promise<RunningServer> {
  logSettings(log, host.settings);
  // Made here, once, so the workers all read the same key rather than racing to create one.
  const { created } = loadOrCreateKek(config.kek, host.kekPath);
  if (created) log.info('generated a key-encryption key in keys/kek (mode 0600); back it up');

  const fleet = new Fleet(log);
  // The first worker alone, so a start-up that cannot work (a port in use, no database)
  // fails once, with its own message, before the others start.
  const port = await fleet.start();
  await Promise.all(Array.from({ length: wanted - 1 }, () => fleet.start()));
  const url = `http://${config.host}:${port}`;
  log.info('keymint workers listening', { url, workers: wanted, pids: fleet.pids() });
  return { url, port, stop: () => fleet.stop() };
}

/** How long a worker waits for the instance's metrics before answering with its own. */
const GATHER_MS = 2000;
/** How long the primary waits for each worker's metrics. */
const RENDER_MS = 1000;

type MetricsMessage =
  | { keymint: 'metrics-gather'; id: number; local: string }
  | { keymint: 'metrics-gathered'; id: number; body: string }
  | { keymint: 'metrics-render'; id: number }
  | { keymint: 'metrics-rendered'; id: number; body: string };

const isMetricsMessage = (m: unknown): m is MetricsMessage =>
  typeof m === 'object' && m !== null && typeof (m as { keymint?: unknown }).keymint === 'string';

/**
 * A worker's side of /metrics: a scrape reaches one worker, which asks the primary for
 * the other workers' expositions and answers with the sum (its own alone if they are
 * slow); and it renders its own when the primary asks on another worker's behalf.
 */
function workerMetrics() {
  const waiting = new Map<number, (body: string) => void>();
  let render: (() => string) | undefined;
  let next = 0;
  process.on('message', (m: unknown) => {
    if (!isMetricsMessage(m)) return;
    if (m.keymint === 'metrics-gathered') waiting.get(m.id)?.(m.body);
    else if (m.keymint === 'metrics-render')
      process.send?.({
        keymint: 'metrics-rendered',
        id: m.id,
        body: render?.() ?? '',
      } satisfies MetricsMessage);
  });
  return {
    gather: (local: string) =>
      new Promise<string>((resolve) => {
        const id = ++next;
        const done = (body: string) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(body);
        };
        const timer = setTimeout(() => done(local), GATHER_MS);
        waiting.set(id, done);
        process.send?.({ keymint: 'metrics-gather', id, local } satisfies MetricsMessage);
      }),
    answerWith: (fn: () => string) => {
      render = fn;
    },
  };
}

/** The worker processes: started, replaced when one dies, stopped together. */
class Fleet {
  private readonly live = new Set<Worker>();
  private readonly exits: number[] = [];
  private stopping: Promise<void> | undefined;

  private renders = 0;
  private readonly rendering = new Map<number, (body: string) => void>();

  constructor(private readonly log: Log) {
    cluster.on('message', (worker, m: unknown) => {
      if (!isMetricsMessage(m)) return;
      if (m.keymint === 'metrics-gather') void this.gather(worker, m.id, m.local);
      else if (m.keymint === 'metrics-rendered') this.rendering.get(m.id)?.(m.body);
    });
  }

  /** The other workers' expositions added to `local`, sent back to the worker that asked. */
  private async gather(asker: Worker, id: number, local: string): Promise<void> {
    const others = [...this.live].filter((w) => w !== asker && !w.isDead());
    const bodies = await Promise.all(
      others.map(
        (worker) =>
          new Promise<string>((resolve) => {
            const renderId = ++this.renders;
            const done = (body: string) => {
              clearTimeout(timer);
              this.rendering.delete(renderId);
              resolve(body);
            };
            const timer = setTimeout(() => done(''), RENDER_MS);
            this.rendering.set(renderId, done);
            if (worker.isConnected())
              worker.send({ keymint: 'metrics-render', id: renderId } satisfies MetricsMessage);
          }),
      ),
    );
    if (!asker.isConnected()) return;
    const body = mergeExpositions([local, ...bodies.filter((b) => b !== '')]);
    asker.send({ keymint: 'metrics-gathered', id, body } satisfies MetricsMessage);
  }

  pids(): number[] {
    return [...this.live].map((w) => w.process.pid as number);
  }

  /** Forks a worker; resolves with its port once it listens, rejects if it exits first. */
  start(): Promise<number> {
    const worker = cluster.fork();
    this.live.add(worker);
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.once('listening', (address) => {
        listening = true;
        resolve(address.port);
      });
      worker.once('exit', (code, signal) => {
        this.live.delete(worker);
        if (!listening) {
          reject(
            new CliError(
              `a worker process exited before listening (${signal ?? `code ${code}`}); nothing is served`,
              typeof code === 'number' && code > 0 ? code : 1,
            ),
          );
          void this.stop();
          return;
        }
        if (this.stopping) return;
        this.replace(worker, code, signal);
      });
    });
  }

  private replace(worker: Worker, code: number | null, signal: string | null): void {
    const now = Date.now();
    while (this.exits.length > 0 && (this.exits[0] as number) < now - RECENT_MS) this.exits.shift();
    this.exits.push(now);
    const delay = Math.min(MAX_RESTART_MS, RESTART_MS * 2 ** (this.exits.length - 1));
    this.log.error('a worker process exited; starting another', {
      pid: worker.process.pid ?? null,
      exit: signal ?? code,
      restartInMs: delay,
    });
    setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((error) => this.log.error('a replacement worker did not start', { error }));
    }, delay).unref();
  }

  /** SIGTERM to every worker (each drains its requests and flushes), then waits for all of them. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(
      [...this.live].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    ).then(() => undefined);
    return this.stopping;
  }
}
