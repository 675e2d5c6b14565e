/** Time is injected everywhere so tests pin it instead of mocking globals. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  private t: number;
  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
}

export const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);
