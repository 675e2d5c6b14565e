/**
 * Counts failed client authentications per source address over a sliding minute.
 * Past `limit` failures the address gets 429 until its oldest failures age out;
 * other addresses are untouched. Memory is bounded by `maxAddresses`.
 *
 * A caller that awaits between asking and recording must ask again once the verdict is
 * in, in the same synchronous step as `fail()`: otherwise attempts in flight together
 * all pass the first check and each failure lands after the limit was reached.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly limit = 20,
    readonly windowMs = 60_000,
    private readonly maxAddresses = 100_000,
  ) {}

  /** Seconds the address must wait, or 0 when it may try. */
  retryAfter(address: string, now: number): number {
    const list = this.prune(address, now);
    if (!list || list.length <= this.limit) return 0;
    // Wait until enough failures leave the window to be back at the limit.
    const freeAt = (list[list.length - this.limit - 1] as number) + this.windowMs;
    return Math.max(1, Math.ceil((freeAt - now) / 1000));
  }

  fail(address: string, now: number): void {
    let list = this.prune(address, now);
    if (!list) {
      if (this.failures.size >= this.maxAddresses) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
      list = [];
      this.failures.set(address, list);
    }
    list.push(now);
    // Never hold more timestamps than the decision needs.
    if (list.length > this.limit + 1) list.splice(0, list.length - this.limit - 1);
  }

  private prune(address: string, now: number): number[] | undefined {
    const list = this.failures.get(address);
    if (!list) return undefined;
    while (list.length > 0 && (list[0] as number) <= now - this.windowMs) list.shift();
    if (list.length === 0) {
      this.failures.delete(address);
      return undefined;
    }
    return list;
  }
}
