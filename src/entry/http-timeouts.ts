import type { ServerOptions } from 'node:http';

/** Headers and body must arrive in full within this, or the request is answered 408 and its connection closed. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Idle keep-alive connections stay open longer than the load balancers in front of us
 * keep theirs (AWS ALB 60 s, nginx 60–75 s, Google Cloud 600 s), so a balancer never
 * reuses a socket this server has just closed.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 620_000;

/** The Node server's options: request deadlines checked every second, not every 30 s. */
export const httpServerOptions: ServerOptions = {
  requestTimeout: REQUEST_TIMEOUT_MS,
  headersTimeout: REQUEST_TIMEOUT_MS,
  keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  connectionsCheckingInterval: 1000,
};
