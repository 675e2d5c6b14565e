// The part of autocannon 9's programmatic API the bench uses (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string;
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    /** Answers with any other body count in `mismatches`. */
    expectBody?: string;
    /** Requests to send in all; the run ends then (and `duration` is ignored). */
    amount?: number;
    /** Per-request shaping: setupRequest may rewrite each request before it is sent. */
    requests?: (RequestParams & {
      setupRequest?: (req: RequestParams, context: Record<string, unknown>) => RequestParams;
    })[];
  }

  interface RequestParams {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
  }

  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p99: number;
    total: number;
  }

  interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    mismatches: number;
    '2xx': number;
    duration: number;
  }

  interface Instance {
    stop(): void;
  }

  function autocannon(options: Options, done: (err: Error | null, result: Result) => void): Instance;
  export default autocannon;
  export type { Instance, Options, RequestParams, Result };
}
