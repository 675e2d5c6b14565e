import { eq } from 'drizzle-orm';
import type { Database } from '../db/database';
import { keymintState } from '../db/schema/index';
import { CHANGE_CHANNEL } from './bump';

type Listener = () => Promise<void> | void;

/** Where the watcher reports failed and successful checks (see repeatedFailureLog). */
export interface CheckReport {
  failed(error: unknown): void;
  succeeded(): void;
}

/**
 * Calls listeners when another process changed something (see bumpChange). Polls the
 * counter every `intervalMs` and also listens for NOTIFY where PostgreSQL offers it.
 */
export class ChangeWatcher {
  private seq = -1;
  private timer: ReturnType<typeof setInterval> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly listeners: Listener[] = [];
  private checking: Promise<void> | undefined;

  constructor(
    private readonly database: Database,
    private readonly report: CheckReport,
    private readonly intervalMs = 500,
  ) {}

  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref?.();
    if (this.database.listen) {
      try {
        this.unlisten = await this.database.listen(CHANGE_CHANNEL, () => void this.check());
      } catch (e) {
        this.report.failed(e); // polling still covers us
      }
    }
  }

  /** Reads the counter and notifies listeners if it moved; concurrent calls share one read. */
  check(): Promise<void> {
    this.checking ??= this.read().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async read(): Promise<void> {
    try {
      const [row] = await this.database.db
        .select({ seq: keymintState.changeSeq })
        .from(keymintState)
        .where(eq(keymintState.id, 1));
      this.report.succeeded();
      const seq = row?.seq ?? 0;
      if (seq === this.seq) return;
      const first = this.seq === -1;
      this.seq = seq;
      if (!first) for (const l of this.listeners) await l();
    } catch (e) {
      this.report.failed(e);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
  }
}
