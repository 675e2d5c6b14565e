import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeys } from '../../src/db/schema/index';
import { JWKS_MAX_AGE_SECONDS } from '../../src/signing/lifecycle';
import { RELOAD_MARGIN_SECONDS } from '../../src/signing/manual-rotation';
import { runCli, runMain } from '../helpers/run-cli';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

// The operator's signing-key commands (rotate when the next key may sign, --now, retire)
// through main(argv, io) in this process, in a scratch directory: on PostgreSQL
// (TEST_DATABASE_URL) each command opens the test's schema by DATABASE_URL, as the binary
// does; on PGlite each is handed the test's open database.
let cwd: string;
let testDb: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'keymint-signing-cli-'));
  testDb = await openTestDatabase();
  env = testDb.url ? { DATABASE_URL: testDb.url } : {};
});
afterAll(async () => {
  await testDb?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

const cli = (args: string[]) =>
  runMain(args, { cwd, env, ...(testDb.url ? {} : { database: testDb.database }) });
const oneLine = (s: string) => {
  expect(s.trim().split('\n')).toHaveLength(1);
  return s.trim();
};
type Item = { kid: string; state: string };

// A next key may sign a JWKS max-age and a margin after its publication, rounded up to the
// whole second; commands here follow each other within the same second.
const LONG_ENOUGH = JWKS_MAX_AGE_SECONDS + RELOAD_MARGIN_SECONDS + 1;

/** Moves the next key's publication back in time, as if that many seconds had passed. */
async function publishedAgo(seconds: number): Promise<void> {
  await testDb.database.db
    .update(signingKeys)
    .set({ createdAt: sql`${signingKeys.createdAt} - make_interval(secs => ${seconds})` })
    .where(eq(signingKeys.state, 'next'));
}

describe('keymint signing-keys', () => {
  let previous: string;

  it('refuses to promote a next key published less than a JWKS max-age ago, saying when it can', async () => {
    // A new database: the keys are made now, so the next one was published just now.
    const r = await cli(['signing-keys', 'rotate', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = oneLine(r.stderr);
    const m = /may sign from (\S+) \(in (\d+) s\)/.exec(line);
    expect(m).not.toBeNull();
    const wait = Number(m?.[2]);
    expect(wait).toBeGreaterThanOrEqual(JWKS_MAX_AGE_SECONDS);
    expect(wait).toBeLessThanOrEqual(JWKS_MAX_AGE_SECONDS + RELOAD_MARGIN_SECONDS + 1);
    expect(Number.isNaN(Date.parse(m?.[1] as string))).toBe(false);
    expect(line).toMatch(/--now/);
  });

  it('promotes it once it has been published long enough', async () => {
    await publishedAgo(LONG_ENOUGH);
    const r = await cli(['signing-keys', 'rotate', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { rotated: { from: string; to: string }; items: Item[] };
    expect(out).toMatchObject({ forced: false, warning: null });
    expect(out.items.find((k) => k.kid === out.rotated.to)?.state).toBe('current');
    expect(out.items.find((k) => k.kid === out.rotated.from)?.state).toBe('previous');
    previous = out.rotated.from;
  });

  // Two at once: on PostgreSQL two real processes of the compiled binary (only a server
  // database can be shared by two); on PGlite two commands in this process on the one
  // database. Either way the rotation lock lets exactly one promote.
  it('lets one of two simultaneous rotations promote', async () => {
    await publishedAgo(LONG_ENOUGH);
    const rotate = () =>
      testDb.url ? runCli(['signing-keys', 'rotate'], { cwd, env }) : cli(['signing-keys', 'rotate']);
    const both = await Promise.all([rotate(), rotate()]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(oneLine(both.find((r) => r.code === 1)?.stderr ?? '')).toMatch(/may sign from .* \(in \d+ s\)/);
  });

  it('switches at once with --now, warning that verifiers with a cached JWKS may refuse new tokens', async () => {
    const r = await cli(['signing-keys', 'rotate', '--now']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/now signs at once/);
    expect(r.stdout).toMatch(/verifiers holding a cached JWKS .* may refuse new tokens until they refetch/);
  });

  it('retires a key, which leaves the published set', async () => {
    // A kid is base64url and may start with '-': after '--' it is never read as an option.
    const r = await cli(['signing-keys', 'retire', '--json', '--', previous]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { retired: { kid: string; was: string }; items: Item[] };
    expect(out.retired).toEqual({ kid: previous, was: 'previous' });
    expect(out.items.find((k) => k.kid === previous)?.state).toBe('retired');
    expect(out.items.filter((k) => k.state === 'current')).toHaveLength(1);
    expect(out.items.filter((k) => k.state === 'next')).toHaveLength(1);
  });

  it('refuses to retire an unknown kid', async () => {
    const r = await cli(['signing-keys', 'retire', 'no-such-kid']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^keymint signing-keys retire: no signing key has kid "no-such-kid"/);
  });
});
