import type { CliIo } from './cli-io';

type Command = (argv: string[], io: CliIo) => Promise<void>;

// Loaded on demand: `help` and `token` (a CI step) need neither the database drivers nor
// the server, and the build splits each command into a chunk of its own.
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve-command')).serveCommand,
  migrate: async () => (await import('./migrate-command')).migrateCommand,
  org: async () => (await import('./org-command')).orgCommand,
  key: async () => (await import('./key-command')).keyCommand,
  'signing-keys': async () => (await import('./signing-keys-command')).signingKeysCommand,
  token: async () => (await import('./token-command')).tokenCommand,
  user: async () => (await import('./user-command')).userCommand,
  gateway: async () => (await import('./gateway-command')).gatewayCommand,
  federation: async () => (await import('./federation-command')).federationCommand,
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
  federation create          --org <slug> --name <n> --issuer <url> [--audience <aud>] [--subject <pattern>] --claim <name>=<value>… --scope <s>… [--ttl <s>]
  federation list            --org <slug> [--status active|disabled|revoked|all]
  federation show|disable|enable|revoke|delete <federation>  --org <slug>   (<federation> = id or kmf_… clientId)
  signing-keys list
  signing-keys rotate        [--now]   promote the next key once published a JWKS max-age; --now at once (compromised key)
  signing-keys retire <kid>  remove a compromised key from the JWKS at once
  gateway                    --issuer <url> [--upstream <url>] [--port <n>]   the gateway alone
  token                      --issuer <url> --client-id <id> --client-secret-stdin [--scope <s>…] [--audience <a>]
  token                      --issuer <url> --client-id <kmf_…> --github-oidc [--id-token-audience <aud>] [--scope <s>…] [--audience <a>]
                             in a GitHub Actions job with \`permissions: id-token: write\`: no secret at all

Every command takes --json. Configuration comes from the environment (see README.md).`;

/**
 * Runs one keymint command and resolves to its exit code; everything it touches comes
 * through io. `serve` and `gateway` resolve once listening, having handed their stop to
 * io.keepRunning.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr.write(`keymint: unknown command "${name}"; run \`npm run keymint -- help\`\n`);
    return 2;
  }
  try {
    await (await load())(rest, io);
    return 0;
  } catch (e) {
    const { errorMessage } = await import('./error-message');
    const { message, code } = errorMessage(e);
    const sub =
      rest[0] &&
      !rest[0].startsWith('-') &&
      ['org', 'user', 'key', 'signing-keys', 'federation'].includes(name)
        ? ` ${rest[0]}`
        : '';
    io.stderr.write(`keymint ${name}${sub}: ${message}\n`);
    return code;
  }
}
