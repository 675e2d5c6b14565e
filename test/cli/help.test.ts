import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP, type Usage } from '../../src/cli/usage';
import { runCli, runMain } from '../helpers/run-cli';

// Every command's --help, and every command's misuse, in process (runMain). Help never
// touches the database: DATABASE_URL points at a port nobody listens on, so a command
// that tried would fail instead of printing its usage.
let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-help-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const NO_DATABASE = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
const cli = (args: string[], env: Record<string, string> = NO_DATABASE) => runMain(args, { cwd, env });
const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};

/** Every command and subcommand, with its usage: what the help prints and errors cite. */
const EVERY: [string[], Usage][] = Object.entries(COMMAND_HELP).flatMap(([name, cmd]) =>
  cmd.subs
    ? Object.entries(cmd.subs).map(([sub, u]) => [[name, sub], u] as [string[], Usage])
    : [[[name], cmd.usage as Usage] as [string[], Usage]],
);
const GROUPS = Object.entries(COMMAND_HELP).filter(([, c]) => c.subs);

describe('--help', () => {
  it('covers every command of CONTRACT §7', () => {
    const names = EVERY.map(([words]) => words.join(' '));
    for (const expected of [
      'serve',
      'migrate',
      'org create',
      'org list',
      'user create',
      'key create',
      'key list',
      'key show',
      'key rename',
      'key disable',
      'key enable',
      'key rotate',
      'key revoke',
      'key delete',
      'key import',
      'signing-keys list',
      'signing-keys rotate',
      'signing-keys retire',
      'token',
      'gateway',
      'federation create',
      'federation list',
      'federation revoke',
    ])
      expect(names).toContain(expected);
  });

  it.each(EVERY.map(([words, u]) => [words.join(' '), words, u] as const))(
    'keymint %s --help and -h print its usage on stdout and exit 0',
    async (_, words, u) => {
      for (const flag of ['--help', '-h']) {
        const r = await cli([...words, flag]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout.startsWith(`usage: ${u.usage}\n${u.about}\n`)).toBe(true);
      }
      // Wherever --help stands among the other options.
      const late = await cli([...words, '--org', 'acme', '--help']);
      expect(late.code).toBe(0);
      expect(late.stdout).toContain(`usage: ${u.usage}`);
      const viaHelp = await cli(['help', ...words]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.stdout).toBe(late.stdout);
    },
  );

  it.each(GROUPS.map(([name]) => name))(
    'keymint %s --help lists every subcommand with what it does',
    async (name) => {
      const r = await cli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toBe(`keymint ${name} — ${COMMAND_HELP[name]?.about}`);
      for (const u of Object.values(COMMAND_HELP[name]?.subs ?? {})) {
        expect(r.stdout).toContain(`  ${u.usage}\n      ${u.about}\n`);
      }
    },
  );

  it('keymint --help lists every command and subcommand with its options, on stdout', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const [words, u] of EVERY) {
      const args = u.usage
        .slice(`keymint ${words.join(' ')}`.length)
        .replace(/\s*\[--json\]/, '')
        .trim();
      const line = r.stdout.split('\n').find((l) => l.trim().startsWith(`${words.join(' ')} `));
      expect(line, words.join(' ')).toBeDefined();
      expect(line?.trim().slice(words.join(' ').length).trim()).toBe(args || u.about);
    }
    expect((await cli(['-h'])).stdout).toBe(r.stdout);
    expect((await cli(['help'])).stdout).toBe(r.stdout);
  });

  it('keymint alone is a misuse: the overview on stderr, exit 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: keymint <command>');
  });

  it('keymint --version prints the version of package.json, also from the built binary', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const r = await cli(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const built = await runCli(['--version'], { cwd });
    expect(built).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('misuse', () => {
  it.each(EVERY.map(([words, u]) => [words.join(' '), words, u] as const))(
    'keymint %s with an unknown option exits 2 with one line citing its usage',
    async (_, words, u) => {
      const r = await cli([...words, '--bogus']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(oneLine(r.stderr)).toBe(
        `keymint ${words.join(' ')}: Unknown option '--bogus'; usage: ${u.usage}`,
      );
    },
  );

  it.each(GROUPS.map(([name]) => name))(
    'keymint %s without a subcommand, or with an unknown one, exits 2 naming them',
    async (name) => {
      const subs = Object.keys(COMMAND_HELP[name]?.subs ?? {});
      const none = await cli([name]);
      expect(none.code).toBe(2);
      expect(oneLine(none.stderr)).toMatch(new RegExp(`^keymint ${name}: an? ${name} command is required`));
      const bogus = await cli([name, 'frobnicate']);
      expect(bogus.code).toBe(2);
      expect(oneLine(bogus.stderr)).toMatch(`unknown ${name} command "frobnicate"`);
      for (const sub of subs) {
        expect(none.stderr).toContain(sub);
        expect(bogus.stderr).toContain(sub);
      }
    },
  );

  it('an unknown command exits 2 pointing at --help', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      'keymint: unknown command "frobnicate"; `keymint --help` lists the commands',
    );
  });
});

describe('--json errors', () => {
  /** `keymint token --json` against an issuer nobody answers, the secret on stdin. */
  const tokenAgainstNobody = (clientId: string, stdin: string) =>
    runMain(
      ['token', '--issuer', 'http://127.0.0.1:1', '--client-id', clientId, '--client-secret-stdin', '--json'],
      { cwd, stdin },
    );
  const jsonError = (stderr: string) =>
    JSON.parse(oneLine(stderr)) as { error: { code: string; message: string } };

  it('are one JSON line on stderr with a stable code: usage', async () => {
    const r = await cli(['key', 'show', '--org', 'acme', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(jsonError(r.stderr)).toEqual({
      error: { code: 'usage', message: `<key> is required; usage: ${COMMAND_HELP.key?.subs?.show?.usage}` },
    });
    expect(jsonError((await cli(['frobnicate', '--json'])).stderr).error.code).toBe('usage');
  });

  it('configuration', async () => {
    const r = await cli(['key', 'list', '--org', 'acme', '--json'], { SIGNING_ALG: 'HS256' });
    expect(r.code).toBe(2);
    expect(jsonError(r.stderr).error).toEqual({
      code: 'configuration',
      message: expect.stringMatching(/^bad configuration: SIGNING_ALG: /),
    });
  });

  it('database-unreachable, for a database nobody listens for', async () => {
    const r = await cli(['org', 'list', '--json']);
    expect(r.code).toBe(1);
    expect(jsonError(r.stderr).error).toEqual({
      code: 'database-unreachable',
      message: 'cannot reach the database at 127.0.0.1:1: is PostgreSQL running, and is DATABASE_URL right?',
    });
  });

  it('malformed-secret, from the token client before anything is sent', async () => {
    const r = await tokenAgainstNobody('km_0000000000000000000000', 'kms_typo');
    expect(r.code).toBe(1);
    expect(jsonError(r.stderr).error).toMatchObject({
      code: 'malformed-secret',
      message: expect.stringMatching(/nothing was sent$/),
    });
  });

  it('issuer-unreachable, for a /token nobody answers', async () => {
    const r = await tokenAgainstNobody('legacy-client', 'an imported secret');
    expect(r.code).toBe(1);
    expect(jsonError(r.stderr).error.code).toBe('issuer-unreachable');
  });
});

describe('misspelt settings', () => {
  it('are warned about on stderr, naming the real setting, before the command runs', async () => {
    const r = await cli(['org', 'list'], {
      ...NO_DATABASE,
      SIGNING_ALGO: 'ES256',
      DATABSE_URL: 'x',
      HOME: '/root',
    });
    const lines = r.stderr.trim().split('\n');
    expect(lines.slice(0, 2)).toEqual([
      'keymint: warning: DATABSE_URL is not a keymint setting and is ignored; did you mean DATABASE_URL?',
      'keymint: warning: SIGNING_ALGO is not a keymint setting and is ignored; did you mean SIGNING_ALG?',
    ]);
    const json = await cli(['org', 'list', '--json'], { ...NO_DATABASE, TOKEN_TTL: '60' });
    expect(JSON.parse(json.stderr.split('\n')[0] as string)).toEqual({
      warning: {
        code: 'unknown-setting',
        message: 'TOKEN_TTL is not a keymint setting and is ignored; did you mean TOKEN_TTL_SECONDS?',
      },
    });
  });
});
