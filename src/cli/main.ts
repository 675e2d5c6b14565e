import type { CliIo } from './cli-io';
import { COMMAND_HELP } from './usage';

type Command = (argv: string[], io: CliIo) => Promise<void>;

// Loaded on demand: `--help` and `token` (a CI step) need neither the database drivers nor
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

/** Commands that read keymint's settings from the environment, and so warn about misspelt ones. */
const READS_SETTINGS = new Set(['migrate', 'org', 'key', 'signing-keys', 'user', 'gateway', 'federation']);

/** The arguments before `--`: what follows it is an operand (a kid may start with "-"). */
const options = (argv: string[]) => {
  const end = argv.indexOf('--');
  return end === -1 ? argv : argv.slice(0, end);
};

/**
 * Runs one keymint command and resolves to its exit code; everything it touches comes
 * through io. `serve` and `gateway` resolve once listening, having handed their stop to
 * io.keepRunning.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = options(argv).includes('--json');
  const fail = (command: string, message: string, exitCode: number, code: string): number => {
    io.stderr.write(
      json ? `${JSON.stringify({ error: { code, message } })}\n` : `keymint${command}: ${message}\n`,
    );
    return exitCode;
  };

  if (name === '--version' || name === '-V' || name === 'version') {
    io.stdout.write(`${(await import('./help')).keymintVersion()}\n`);
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const help = await import('./help');
    // `keymint help key create` is `keymint key create --help`.
    const text = (rest[0] && help.commandHelp(rest[0], rest[1])) || help.topHelp();
    // No command at all is a misuse: the help goes to stderr, exit 2.
    (name ? io.stdout : io.stderr).write(`${text}\n`);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) return fail('', `unknown command "${name}"; \`keymint --help\` lists the commands`, 2, 'usage');

  const sub = COMMAND_HELP[name]?.subs && rest[0] && !rest[0].startsWith('-') ? rest[0] : undefined;
  const asked = options(rest);
  if (asked.includes('--help') || asked.includes('-h') || (sub === 'help' && rest.length === 1)) {
    const { commandHelp } = await import('./help');
    io.stdout.write(`${commandHelp(name, sub)}\n`);
    return 0;
  }
  if (READS_SETTINGS.has(name)) {
    const { settingWarnings } = await import('../config');
    for (const w of settingWarnings(io.env)) {
      io.stderr.write(
        json
          ? `${JSON.stringify({ warning: { code: 'unknown-setting', message: w.message } })}\n`
          : `keymint: warning: ${w.message}\n`,
      );
    }
  }
  try {
    await (await load())(rest, io);
    return 0;
  } catch (e) {
    const { errorMessage } = await import('./error-message');
    const { message, code, errorCode } = errorMessage(e);
    return fail(` ${name}${sub ? ` ${sub}` : ''}`, message, code, errorCode);
  }
}
