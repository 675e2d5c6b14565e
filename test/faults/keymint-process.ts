import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKekBase64 } from '../../src/signing/kek';
import { runCli } from '../helpers/run-cli';
import { type Served, serveProcess, tokenRequest } from '../helpers/served-process';

export interface KeymintProcess extends Served {
  /** A key of org `acme`. */
  key: { clientId: string; clientSecret: string };
  /** A POST /token for that key, ready to send. */
  tokenRequest(): RequestInit;
  /** Kills what is still running and removes the working directory. */
  close(): Promise<void>;
}

export interface KeymintProcessOptions {
  /** The key's scope; every scope unless said. */
  scope?: string;
  /** Added to the server's environment (WORKER_PROCESSES, say). */
  env?: Record<string, string>;
  /** What the server writes once it is ready. */
  ready?: RegExp;
}

/**
 * `keymint serve` as an operator runs it, on `databaseUrl`, with org `acme` and one key
 * made by the CLI first: what the fault tests cut the database under.
 */
export async function startKeymintProcess(
  databaseUrl: string,
  o: KeymintProcessOptions = {},
): Promise<KeymintProcess> {
  const cwd = mkdtempSync(join(tmpdir(), 'keymint-fault-'));
  try {
    const env = { DATABASE_URL: databaseUrl, KEYMINT_KEK: generateKekBase64() };
    const cli = async (args: string[]) => {
      const r = await runCli(args, { cwd, env });
      if (r.code !== 0) throw new Error(`keymint ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    await cli(['org', 'create', 'acme']);
    const key = JSON.parse(
      await cli(['key', 'create', '--org', 'acme', '--name', 'ci', '--scope', o.scope ?? '*:*', '--json']),
    );
    const served = await serveProcess(cwd, { ...env, ...o.env }, o.ready ?? /keymint listening/);
    return {
      ...served,
      key,
      tokenRequest: () => tokenRequest(key),
      close: async () => {
        if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGKILL');
        rmSync(cwd, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(cwd, { recursive: true, force: true });
    throw e;
  }
}
