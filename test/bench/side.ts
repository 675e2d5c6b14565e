// One contender in a measured pair: what to send it and how to account for its CPU.

export interface Side {
  name: string;
  url: string;
  /** POST unless said otherwise. */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string;
  /** When set, every answer must be exactly this body; others count as errors. */
  expectBody?: string;
  /** Runs before each load on this side (a fresh bearer token, say). */
  prepare?: () => Promise<void>;
  /** The server process, for its CPU time. */
  pid: number | undefined;
  /** PostgreSQL backends serving it, whose CPU time counts too. */
  backends?: () => Promise<number[]>;
}
