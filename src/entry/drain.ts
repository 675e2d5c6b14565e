import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface Drainable {
  /** Stops accepting, finishes what is in flight, and closes every connection within `withinMs`. */
  drain(withinMs: number): Promise<void>;
}

/**
 * Graceful shutdown for a Node HTTP server. Node's closeIdleConnections() closes
 * connections between requests, but not ones that never sent a byte (a load balancer's
 * pre-opened sockets), so those are tracked here — per connection, never per request.
 */
export function drainable(server: Server): Drainable {
  const fresh = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    fresh.add(socket);
    socket.once('close', () => fresh.delete(socket));
  });
  const closeIdle = () => {
    server.closeIdleConnections();
    for (const socket of fresh) if (socket.bytesRead === 0) socket.destroy();
  };
  return {
    drain: (withinMs) =>
      new Promise((resolve) => {
        const sweep = setInterval(closeIdle, 50);
        const cut = setTimeout(() => server.closeAllConnections(), withinMs);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(cut);
          resolve();
        });
        closeIdle();
      }),
  };
}
