import { startStandaloneGateway } from '../entry/standalone-gateway';
import { listenFailure } from '../entry/startup-failure';
import { createLog } from '../lib/log';
import { noMoreArguments, parseCommand, required, wholeNumber } from './args';
import { CliError, usageError } from './cli-error';
import type { CliIo } from './cli-io';
import { cliConfig } from './context';
import { GATEWAY_USAGE } from './usage';

const USAGE = GATEWAY_USAGE.usage;

/** Starts the gateway alone and hands its stop to io, as `serve` does. */
export async function gatewayCommand(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommand(
    argv,
    { issuer: { type: 'string' }, upstream: { type: 'string' }, port: { type: 'string' } },
    USAGE,
  );
  noMoreArguments(positionals, USAGE);
  const issuer = required(values.issuer, '--issuer', USAGE).replace(/\/+$/, '');
  for (const [flag, url] of [
    ['--issuer', issuer],
    ['--upstream', values.upstream],
  ] as const) {
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url))
      throw usageError(`${flag} must be an http(s) URL`);
  }
  const config = cliConfig(io);
  const port = wholeNumber(values.port, '--port') ?? 8788;
  if (port < 1 || port > 65535) throw usageError('--port must be 1–65535');
  // The settings' defaults describe the issuer's own server; the gateway alone wants only
  // what the operator set: an audience (else the issuer URL, which tokens are minted for
  // by default) and a database (else no revocation checks).
  const set = (name: string) => !!io.env[name];
  let gateway: Awaited<ReturnType<typeof startStandaloneGateway>>;
  try {
    gateway = await startStandaloneGateway(
      {
        issuer,
        audience: set('API_AUDIENCE') ? config.apiAudience : issuer,
        host: config.host,
        port,
        upstream: values.upstream,
        databaseUrl: set('DATABASE_URL') ? config.databaseUrl : undefined,
        openDatabase: io.openDatabase,
      },
      createLog((line) => io.stderr.write(`${line}\n`)),
    );
  } catch (e) {
    if (listenFailure(e, config.host, port)?.code === 'port-in-use')
      throw new CliError(
        `port ${port} is in use: stop the other process or choose a free port with --port`,
        1,
        'port-in-use',
      );
    throw new CliError(`cannot start the gateway: ${(e as Error).message}`);
  }
  io.keepRunning(gateway.stop);
}
