import bcrypt from 'bcryptjs';
import { DomainError } from '../lib/domain-error';

/** bcrypt behind an interface: Node runs it on worker threads, Workers inline. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  close?(): Promise<void>;
}

/**
 * Verifies against `hash`, or, when there is no user, against a dummy hash of the same
 * cost, so an unknown email takes as long as a wrong password.
 */
export function verifyOrDummy(
  hasher: PasswordHasher & { dummy?: Promise<string> },
  password: string,
  hash?: string,
) {
  if (hash) return hasher.verify(password, hash);
  hasher.dummy ??= hasher.hash('keymint-dummy-password');
  return hasher.dummy.then((dummy) => hasher.verify(password, dummy)).then(() => false);
}

const busy = () =>
  new DomainError('unavailable', 'too many password checks in progress; retry shortly', { retryAfter: 1 });

/**
 * Runs at most `concurrency` bcrypt operations at once and queues at most `maxQueue`
 * more, refusing the rest: a flood of sign-ins must not pile up work without bound.
 */
export class BoundedRunner {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.queue.length >= this.maxQueue) throw busy();
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

/** bcryptjs on the calling thread (its async form yields between rounds): for Workers and tests. */
export function inlineHasher(cost: number, concurrency = 2, maxQueue = 32): PasswordHasher {
  const runner = new BoundedRunner(concurrency, maxQueue);
  return {
    hash: (password) => runner.run(() => bcrypt.hash(password, cost)),
    verify: (password, hash) => runner.run(() => bcrypt.compare(password, hash)),
  };
}
