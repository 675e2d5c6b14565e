import { startStandaloneGateway } from '../entry/standalone-gateway';
import { createLog } from '../lib/log';
import { parseCommand, required, wholeNumber } from './args';
import { CliError, usageError } from './cli-error';
import { cliConfig } from './context';

const USAGE = 'keymint gateway --issuer <url> [--upstream <url>] [--port <n>]';

export async function gatewayCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    { issuer: { type: 'string' }, upstream: { type: 'string' }, port: { type: 'string' } },
    USAGE,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"; usage: ${USAGE}`);
  const issuer = required(values.issuer, '--issuer', USAGE).replace(/\/+$/, '');
  for (const [flag, url] of [
    ['--issuer', issuer],
    ['--upstream', values.upstream],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url))
      throw usageError(`${flag} must be an http(s) URL`);
  }
  const config = cliConfig();
  const port = wholeNumber(values.port, '--port') ?? 8788;
  if (port < 1 || port > 65535) throw usageError('--port must be 1–65535');
  const log = createLog();
  let gateway: Awaited<ReturnType<typeof startStandaloneGateway>>;
  try {
    gateway = await startStandaloneGateway(
      {
        issuer,
        // Tokens are minted for the issuer's API_AUDIENCE, which defaults to the issuer URL.
        audience: process.env.API_AUDIENCE || issuer,
        host: config.host,
        port,
        upstream: values.upstream,
        databaseUrl: process.env.DATABASE_URL || undefined,
      },
      log,
    );
  } catch (e) {
    throw new CliError(`cannot start the gateway: ${(e as Error).message}`);
  }
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
