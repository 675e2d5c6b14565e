// One contender in a measured pair: what to send it and how to account for its CPU.
import type { HistogramSeries } from './server-histogram';

export interface Side {
  name: string;
  url: string;
  /** POST unless said otherwise. */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string;
  /** Several requests each connection sends in turn (other keys, say), instead of the one above. */
  requests?: { headers: Record<string, string>; body: string }[];
  /** When set, every answer must be exactly this body; others count as errors. */
  expectBody?: string;
  /** Runs before each load on this side (a fresh bearer token, say). */
  prepare?: () => Promise<void>;
  /** The server process, for its CPU time (with its worker processes'). */
  pid: number | undefined;
  /** PostgreSQL backends serving it, whose CPU time counts too. */
  backends?: () => Promise<number[]>;
  /** keymint's /metrics and the series of this load: the server's own p50/p99. */
  serverHistogram?: { metricsUrl: string; series: HistogramSeries };
}
