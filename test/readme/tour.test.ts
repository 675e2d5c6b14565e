import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NODE_BUILD_DIR } from '../../src/build/build-node';
import { freePort } from '../helpers/free-port';

// README.md's tour and management-API example, pasted into a shell top to bottom on a
// fresh clone after `npm ci`: their ```sh blocks, extracted from the README as it is, run
// with bash (job control on, as in a terminal; -e and -u, so any failing step fails the
// test) in a scratch copy of the repository: the built dist/node/, the migrations and
// node_modules. `npm start` and `npm run -s keymint --` are package.json's own scripts, run
// by a small stand-in for npm on PATH; port 8787 becomes a free one.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

/** The text of a section, from its heading to the next heading of any level outside code. */
function section(heading: string): string {
  const lines = README.split('\n');
  const from = lines.indexOf(heading);
  if (from < 0) throw new Error(`README.md has no "${heading}"`);
  let inCode = false;
  let to = lines.length;
  for (let i = from + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('```')) inCode = !inCode;
    else if (!inCode && /^#{1,6} /.test(line)) {
      to = i;
      break;
    }
  }
  return lines.slice(from, to).join('\n');
}
const shellBlocks = (text: string) => [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);

const TOUR = shellBlocks(section('## A five-minute tour'));
const MANAGEMENT = shellBlocks(section('## The management API'));

/** A python3 that can import PyJWT with its crypto backend, as test/interop/pyjwt needs. */
function pythonWithPyJwt(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(candidate, ['-c', 'import jwt, cryptography'], { stdio: 'ignore', timeout: 20_000 });
      return candidate.startsWith('/')
        ? candidate
        : execFileSync('sh', ['-c', `command -v ${candidate}`])
            .toString()
            .trim();
    } catch {
      // not this one
    }
  }
  return undefined;
}

let scratch: string;
let port: number;
let run: { code: number | null; stdout: string; stderr: string };
const python = pythonWithPyJwt();

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'keymint-tour-'));
  // A fresh clone after `npm ci`: the build, the migrations beside it, the dependencies.
  cpSync(NODE_BUILD_DIR, join(scratch, 'dist/node'), { recursive: true });
  cpSync(join(ROOT, 'migrations'), join(scratch, 'migrations'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(scratch, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'));
  const bin = join(scratch, '.test-bin');
  mkdirSync(bin);
  mkdirSync(join(scratch, '.test-tmp'));
  // npm itself, reduced to what the README asks of it: package.json's two scripts.
  writeFileSync(
    join(bin, 'npm'),
    `#!/bin/sh
case "$1" in
  start) exec ${PACKAGE.scripts.start} ;;
  run) shift
       [ "$1" = -s ] && shift
       [ "$1" = keymint ] || { echo "the tour test's npm runs only keymint, not: $*" >&2; exit 97; }
       shift; [ "$1" = -- ] && shift
       exec ${PACKAGE.scripts.keymint} "$@" ;;
  *) echo "the tour test's npm does not do: $*" >&2; exit 97 ;;
esac
`,
  );
  chmodSync(join(bin, 'npm'), 0o755);
  if (python) symlinkSync(python, join(bin, 'python3'));
  else {
    // Allowed only without PyJWT: the Python step is then reported as skipped.
    writeFileSync(join(bin, 'python3'), '#!/bin/sh\ncat > /dev/null\necho "pyjwt: skipped"\n');
    chmodSync(join(bin, 'python3'), 0o755);
  }

  port = await freePort();
  // Job control as in a terminal: `kill %1` signals the whole job (npm and the server).
  const script = ['set -m', ...TOUR, ...MANAGEMENT].join('\n').replaceAll('8787', String(port));
  const child = spawn('bash', ['-e', '-u', '-c', script], {
    cwd: scratch,
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: scratch,
      TMPDIR: join(scratch, '.test-tmp'),
      LANG: 'C.UTF-8',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  run = { code, stdout, stderr };
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every regular file under dir, not following symlinks (node_modules). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isSymbolicLink()) return [];
    return d.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the README tour, run as written', () => {
  it('has the blocks this test runs', () => {
    expect(TOUR).toHaveLength(1);
    expect(TOUR[0]).toContain('npm start &');
    expect(TOUR[0]).toMatch(/curl -sf http:\/\/localhost:8787\/healthz/);
    expect(MANAGEMENT).toHaveLength(1);
    expect(MANAGEMENT[0]).toContain('--scope read:keys --scope write:keys');
  });

  it('runs top to bottom without a failing step', () => {
    expect(run.code, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
    expect(run.stderr).not.toMatch(/keymint [\w-]+( \w+)?: /); // no CLI error line
  });

  it('creates the organisation and gets a token from /token', () => {
    expect(run.stdout).toContain('Created organisation acme');
    const token = /\{"access_token":"eyJ[^"]+","token_type":"Bearer","expires_in":300,"scope":"[^"]+"\}/.exec(
      run.stdout,
    );
    expect(token).not.toBeNull();
  });

  it('verifies the token with jose and with PyJWT, both checking typ, issuer and audience', () => {
    expect(run.stdout).toMatch(/^jose: km_[0-9A-Za-z]{22} read:subjects$/m);
    if (python) expect(run.stdout).toMatch(/^pyjwt: km_[0-9A-Za-z]{22} read:subjects$/m);
    else {
      console.warn('python3 with PyJWT is missing: the tour ran its Python step as a stub');
      expect(run.stdout).toMatch(/^pyjwt: skipped$/m);
    }
  });

  it('shows /revoke’s silent 200 and its effect on introspection', () => {
    const lines = run.stdout.split('\n');
    const revoke = lines.indexOf('revoke: 200');
    expect(revoke).toBeGreaterThan(0);
    expect(JSON.parse(lines[revoke - 1] as string)).toMatchObject({ active: true, scope: 'read:subjects' });
    expect(JSON.parse(lines[revoke + 1] as string)).toEqual({ active: false });
  });

  it('manages keys over the API with a key that has read:keys and write:keys', () => {
    const json = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"items"') || l.startsWith('{"id"'))
      .map((l) => JSON.parse(l));
    const list = json.find((j) => j.items);
    expect(list.items.map((k: { name: string }) => k.name).sort()).toEqual(['ci', 'ops']);
    const created = json.find((j) => j.name === 'deploy');
    expect(created).toMatchObject({ scopes: ['read:keys'], clientSecret: expect.stringMatching(/^kms_/) });
  });

  it('leaves no secret in any file and no server running', async () => {
    const secret = /kms_[0-9A-Za-z]{49}/;
    const leaked = filesUnder(scratch).filter(
      (f) => statSync(f).size < 64 * 1024 * 1024 && secret.test(readFileSync(f, 'latin1')),
    );
    expect(leaked).toEqual([]);
    expect(readdirSync(join(scratch, '.test-tmp'))).toEqual([]);
    expect(readdirSync(scratch).sort()).toEqual(
      ['.test-bin', '.test-tmp', 'data', 'dist', 'keys', 'migrations', 'node_modules', 'package.json'].sort(),
    );
    // Both servers stopped (kill %1; wait): the port is free again.
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
