import { readFileSync } from 'node:fs';
import { COMMAND_HELP, type Usage } from './usage';

/** package.json's version: src/cli/ and the build's dist/node/ both sit two levels under the root. */
export function keymintVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

const row = (left: string, right: string) => `  ${left.padEnd(26)} ${right}`.trimEnd();

/** The arguments of a usage line, without the command's words and the --json every command takes. */
const argsOf = (u: Usage, words: string) =>
  u.usage
    .slice(`keymint ${words}`.length)
    .replace(/\s*\[--json\]/, '')
    .trim();

/** `keymint --help`: every command and subcommand on one line each. */
export function topHelp(): string {
  const lines = [
    `keymint ${keymintVersion()} — API keys in, short-lived JWTs out`,
    '',
    'usage: keymint <command> [<subcommand>] [options]',
    '',
  ];
  for (const [name, cmd] of Object.entries(COMMAND_HELP)) {
    if (cmd.subs) {
      for (const [sub, u] of Object.entries(cmd.subs))
        lines.push(row(`${name} ${sub}`, argsOf(u, `${name} ${sub}`) || u.about));
    } else if (cmd.usage) {
      lines.push(row(name, argsOf(cmd.usage, name) || cmd.about));
    }
  }
  lines.push(
    '',
    '`keymint <command> --help` and `keymint <command> <subcommand> --help` say more about one command.',
    'Every command takes --json: its output is the management API’s object, and an error is',
    '{"error":{"code","message"}} on stderr. Settings come from the environment (see README.md).',
  );
  return lines.join('\n');
}

const one = (u: Usage) => [`usage: ${u.usage}`, u.about, ...(u.details ? ['', u.details] : [])].join('\n');

/**
 * `keymint <command> --help` (a group lists its subcommands) and `keymint <command> <sub>
 * --help`; undefined for a command that does not exist.
 */
export function commandHelp(name: string, sub?: string): string | undefined {
  const cmd = Object.hasOwn(COMMAND_HELP, name) ? COMMAND_HELP[name] : undefined;
  if (!cmd) return undefined;
  if (!cmd.subs) return cmd.usage ? one(cmd.usage) : cmd.about;
  if (sub && Object.hasOwn(cmd.subs, sub)) return one(cmd.subs[sub] as Usage);
  return [
    `keymint ${name} — ${cmd.about}`,
    '',
    ...Object.values(cmd.subs).flatMap((u) => [`  ${u.usage}`, `      ${u.about}`]),
    ...(cmd.details ? ['', cmd.details] : []),
  ].join('\n');
}
