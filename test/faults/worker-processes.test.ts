import { connect } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { basicAuth } from '../helpers/oauth-client';
import { childrenOf, tokenRequest } from '../helpers/served-process';
import { createFaultDatabase } from './fault-db';
import { type KeymintProcess, startKeymintProcess } from './keymint-process';

// WORKER_PROCESSES on PostgreSQL: the primary, its workers, and the signals between them.
vi.setConfig({ testTimeout: 120_000 });

describe('WORKER_PROCESSES on PostgreSQL', () => {
  it('serves tokens from two worker processes on one port, and drains every one of them on SIGTERM', async () => {
    const database = await createFaultDatabase();
    let server: KeymintProcess | undefined;
    try {
      server = await startKeymintProcess(database.url, {
        scope: 'read:*',
        env: { WORKER_PROCESSES: '2' },
        ready: /keymint workers listening/,
      });
      const { key } = server;
      const pid = server.child.pid as number;
      expect(childrenOf(pid)).toHaveLength(2);

      // A new connection each: the primary hands connections to the workers in turn.
      const answers = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${server?.base}/token`, {
            ...tokenRequest(key),
            headers: { ...tokenRequest(key).headers, connection: 'close' },
          }),
        ),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
      // Whichever worker a scrape reaches, /metrics counts the whole instance's tokens.
      for (let i = 0; i < 4; i++) {
        const metrics = await (
          await fetch(`${server.base}/metrics`, { headers: { connection: 'close' } })
        ).text();
        expect(metrics).toContain('keymint_tokens_issued_total{grant="client_credentials"} 10\n');
      }

      // A request still arriving when SIGTERM comes is answered before its worker stops.
      const body = 'grant_type=client_credentials';
      const socket = connect(server.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      let reply = '';
      socket.on('data', (d) => {
        reply += d;
      });
      const closed = new Promise((r) => socket.once('close', r));
      socket.write(
        `POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basicAuth(key.clientId, key.clientSecret)}\r\n` +
          `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 500));
      // (Not end(): a client that half-closes its side has its request dropped by Node.)
      socket.write(body.slice(5));
      await closed;
      expect(reply).toMatch(/^HTTP\/1\.1 200 /);
      expect(reply).toContain('"access_token"');

      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(childrenOf(pid)).toEqual([]);
      // Each worker flushed its usage counts on the way out: all eleven tokens are counted.
      const [row] = await database.query<{ issued: number }>(
        'SELECT coalesce(sum(issued), 0)::int AS issued FROM usage_hourly',
      );
      expect(row?.issued).toBe(11);
    } finally {
      await server?.close();
      await database.drop();
    }
  });
});
