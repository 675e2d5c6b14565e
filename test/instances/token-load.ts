import { performance } from 'node:perf_hooks';

/** One /token answer under load: when its request started (performance.now()) and its status. */
export interface Answer {
  started: number;
  status: number;
}

export interface Load {
  answers: Answer[];
  /** Resolves once `n` answers have come back for requests started at or after `since`. */
  answered(n: number, since?: number): Promise<void>;
  stop(): Promise<Answer[]>;
}

/**
 * `concurrency` loops each sending the next /token request as soon as the last one is
 * answered, as a busy client fleet would. Every answer is stamped with when its request
 * started, so a test can tell the requests sent after a change was answered.
 */
export function tokenLoad(send: () => Promise<Response>, concurrency = 20): Load {
  const answers: Answer[] = [];
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      const started = performance.now();
      const res = await send();
      await res.arrayBuffer();
      answers.push({ started, status: res.status });
    }
  });
  const answered = async (n: number, since = 0) => {
    for (let i = 0; i < 3000; i++) {
      if (answers.filter((a) => a.started >= since).length >= n) return;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`fewer than ${n} answers under load`);
  };
  return {
    answers,
    answered,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

/**
 * Runs `change` while `load` is going and returns the answers split at the moment the
 * change was answered: those whose request started after it, and all of them.
 */
export async function acrossChange(load: Load, change: () => Promise<unknown>) {
  let answeredAt: number;
  try {
    await load.answered(40);
    await change();
    answeredAt = performance.now();
    await load.answered(60, answeredAt);
  } finally {
    await load.stop();
  }
  return { after: load.answers.filter((a) => a.started >= answeredAt), all: load.answers };
}
