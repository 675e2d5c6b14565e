import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKekBase64 } from '../../src/signing/kek';
import { freePort } from '../helpers/free-port';
import { basicAuth } from '../helpers/oauth-client';
import { runCli, spawnCli } from '../helpers/run-cli';

export interface KeymintProcess {
  base: string;
  child: ChildProcess;
  /** A key of org `acme` allowed every scope. */
  key: { clientId: string; clientSecret: string };
  /** A POST /token for that key, ready to send. */
  tokenRequest(): RequestInit;
  log(): string;
  /** Kills what is still running and removes the working directory. */
  close(): Promise<void>;
}

/**
 * `keymint serve` as an operator runs it, on `databaseUrl`, with org `acme` and one key
 * made by the CLI first: what the fault tests cut the database under.
 */
export async function startKeymintProcess(databaseUrl: string): Promise<KeymintProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'keymint-fault-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: databaseUrl,
    KEYMINT_KEK: generateKekBase64(),
    PORT: String(port),
    ISSUER_URL: base,
  };
  const cli = async (args: string[]) => {
    const r = await runCli(args, { cwd, env });
    if (r.code !== 0) throw new Error(`keymint ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  await cli(['org', 'create', 'acme']);
  const key = JSON.parse(
    await cli(['key', 'create', '--org', 'acme', '--name', 'ci', '--scope', '*:*', '--json']),
  );
  let log = '';
  const child = spawnCli(['serve'], { cwd, env });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  child.stdout?.on('data', (d) => {
    log += d;
  });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) {
      return {
        base,
        child,
        key,
        log: () => log,
        close,
        tokenRequest: () => ({
          method: 'POST',
          headers: {
            authorization: basicAuth(key.clientId, key.clientSecret),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=client_credentials',
        }),
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await close();
  throw new Error(`keymint serve did not start:\n${log}`);
}
