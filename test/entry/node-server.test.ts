import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config';
import { type RunningServer, startNodeServer } from '../../src/entry/node';
import { silentLog } from '../../src/lib/log';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

// The Node server as `keymint serve` runs it: request deadlines, keep-alive longer than
// load balancers', and a SIGTERM drain that finishes what is in flight.
vi.setConfig({ testTimeout: 60_000 });

let port: number;
let server: RunningServer;
let testDb: TestDatabase | undefined;

async function start(): Promise<RunningServer> {
  // On PostgreSQL runs, a schema of its own; otherwise an in-memory embedded database.
  testDb = process.env.TEST_DATABASE_URL ? await openTestDatabase() : undefined;
  port = await freePort();
  const config = parseConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: testDb?.url ?? 'memory://',
    KEYMINT_KEK: generateKekBase64(),
    BCRYPT_COST: '4',
  });
  return startNodeServer(config, silentLog);
}

beforeAll(async () => {
  server = await start();
});
afterAll(async () => {
  await server?.stop();
  await testDb?.drop();
});

/** A raw connection, to send requests byte by byte as a slow or broken client would. */
function rawConnection(): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      data += d;
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.once('error', reject);
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
  });
}

const head = (length: number) =>
  `POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;

describe.concurrent('request deadlines', () => {
  it('a body that never arrives in full is answered 408 and its connection closed', async () => {
    const c = await rawConnection();
    c.socket.write(`${head(100)}grant_type`);
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('headers that never end get the connection closed', async () => {
    const c = await rawConnection();
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    await c.closed;
    expect(c.received()).not.toMatch(/ 200 /);
  });

  it('keeps an idle keep-alive connection open past the 5 s Node would allow', async () => {
    const c = await rawConnection();
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((r) => setTimeout(r, 6500));
    expect(c.socket.destroyed).toBe(false);
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await vi.waitFor(() => expect(c.received().match(/HTTP\/1\.1 200/g)).toHaveLength(2));
    c.socket.destroy();
  });
});

describe('stopping (what SIGTERM runs)', () => {
  it('finishes a request in flight, refuses new connections, and closes idle ones', async () => {
    const idle = await rawConnection();
    const busy = await rawConnection();
    const body = 'grant_type=client_credentials';
    busy.socket.write(`${head(body.length)}grant_type=`);
    // Let the server start reading the request before stopping.
    await new Promise((r) => setTimeout(r, 200));
    const stopped = server.stop();
    await idle.closed;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    busy.socket.write(body.slice('grant_type='.length));
    await busy.closed;
    // The request in flight got its answer: an OAuth error for missing credentials.
    expect(busy.received()).toMatch(/^HTTP\/1\.1 401 [\s\S]*"invalid_client"/);
    await stopped;
  });
});
