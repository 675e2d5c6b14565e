import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from './free-port';
import { basicAuth } from './oauth-client';
import { spawnCli } from './run-cli';

// `keymint serve` as a process of its own, for tests of what happens between processes.

/** Node processes whose parent is `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export interface Served {
  child: ChildProcess;
  base: string;
  port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `keymint serve` in `cwd`, once `ready` appears in what it writes; on `port` when given
 * (a restart on the same address), else on a free one.
 */
export async function serveProcess(
  cwd: string,
  env: Record<string, string>,
  ready: RegExp,
  port?: number,
): Promise<Served> {
  port ??= await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawnCli(['serve'], {
    cwd,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', ISSUER_URL: base },
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  for (let i = 0; i < 600 && !ready.test(output); i++) {
    if (child.exitCode !== null) throw new Error(`serve exited early: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready.test(output)) {
    child.kill('SIGKILL');
    throw new Error(`serve did not get ready: ${output}`);
  }
  return { child, base, port, output: () => output, exited };
}

export const tokenRequest = (key: { clientId: string; clientSecret: string }): RequestInit => ({
  method: 'POST',
  headers: {
    authorization: basicAuth(key.clientId, key.clientSecret),
    'content-type': 'application/x-www-form-urlencoded',
  },
  body: 'grant_type=client_credentials',
});
