import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { childrenOf, serveProcess } from '../helpers/served-process';

// Real `keymint serve` processes on the embedded database: WORKER_PROCESSES is refused
// there (several processes on PostgreSQL: test/faults/worker-processes.test.ts).
vi.setConfig({ testTimeout: 120_000 });

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('WORKER_PROCESSES on the embedded database', () => {
  it('serves from one process and says why', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'keymint-cluster-embedded-'));
    scratch.push(cwd);
    const server = await serveProcess(cwd, { WORKER_PROCESSES: '2' }, /keymint listening/);
    try {
      expect(server.output()).toContain(
        'WORKER_PROCESSES=2 ignored: serving from one process, because the embedded database (PGlite) runs inside a single process',
      );
      expect(childrenOf(server.child.pid as number)).toEqual([]);
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
