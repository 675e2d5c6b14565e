import { ConfigError } from '../config';
import { DataDirLockedError } from '../db/data-dir-lock';
import { DomainError } from '../lib/domain-error';
import { KekError } from '../signing/kek';
import { CliError } from './cli-error';
import { gatewayCommand } from './gateway-command';
import { keyCommand } from './key-command';
import { migrateCommand } from './migrate-command';
import { orgCommand } from './org-command';
import { serveCommand } from './serve-command';
import { signingKeysCommand } from './signing-keys-command';
import { tokenCommand } from './token-command';
import { userCommand } from './user-command';

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  serve: serveCommand,
  migrate: migrateCommand,
  org: orgCommand,
  key: keyCommand,
  'signing-keys': signingKeysCommand,
  token: tokenCommand,
  user: userCommand,
  gateway: gatewayCommand,
};

const HELP = `keymint — API keys in, short-lived JWTs out

  serve                      serve on $HOST:$PORT (applies pending migrations first)
  migrate                    apply pending migrations
  org create <slug>          [--name <name>] [--max-active-keys <n>]
  user create                --org <slug> --email <email> --role admin|viewer --password-stdin
  key create                 --org <slug> --name <name> --scope <scope>… [--expires-in …] [--expires-at …] [--ttl <s>] [--allow-ip <cidr>]…
  key list                   --org <slug> [--status active|disabled|expired|revoked|all]
  key rotate <key>           --org <slug> [--grace-period <seconds>]
  key revoke <key>           --org <slug>
  signing-keys list|rotate
  gateway                    --issuer <url> [--upstream <url>] [--port <n>]   the gateway alone
  token                      --issuer <url> --client-id <id> --client-secret-stdin [--scope <s>…] [--audience <a>]

Every command takes --json. Configuration comes from the environment (see README.md).`;

function messageOf(e: unknown): { message: string; code: number } {
  if (e instanceof CliError) return { message: e.message, code: e.exitCode };
  if (e instanceof ConfigError) return { message: `bad configuration: ${e.message}`, code: 2 };
  if (e instanceof DomainError) return { message: e.detail, code: 1 };
  if (e instanceof DataDirLockedError || e instanceof KekError) return { message: e.message, code: 1 };
  const err = e as Error & { code?: string };
  if (err?.code === 'ECONNREFUSED')
    return { message: `cannot connect to the database: ${err.message}`, code: 1 };
  return { message: `unexpected error: ${err?.message ?? String(e)}`.split('\n')[0] as string, code: 1 };
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`keymint: unknown command "${name}"; run \`npm run keymint -- help\`\n`);
    return 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (e) {
    const { message, code } = messageOf(e);
    const sub =
      rest[0] && !rest[0].startsWith('-') && ['org', 'user', 'key', 'signing-keys'].includes(name)
        ? ` ${rest[0]}`
        : '';
    process.stderr.write(`keymint ${name}${sub}: ${message}\n`);
    return code;
  }
}

const code = await main(process.argv.slice(2));
// `serve` and `gateway` keep running on their own; everything else exits with its status.
if (code !== 0 || !['serve', 'gateway'].includes(process.argv[2] ?? '')) process.exit(code);
