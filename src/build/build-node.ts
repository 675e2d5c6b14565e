// `npm run build` (also run by `npm ci`, as the prepare step): compiles the Node entry
// ahead of time into dist/node/, which `npm start` and `npm run keymint` run with plain
// node. The Workers build (`npm run build:worker`, wrangler) is separate and untouched.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Two levels under the package root, as src/db/ is: the bundle finds migrations/ at the
 * same relative place the source does.
 */
export const NODE_BUILD_DIR = join(ROOT, 'dist/node');
/** What `npm start` runs: a CommonJS launcher (src/cli/launch.ts) that loads keymint.js. */
export const NODE_BIN = join(NODE_BUILD_DIR, 'keymint.cjs');

/** Whether dist/node/ holds exactly these files already (a directory swapped away meanwhile does not). */
function sameFiles(outputs: Map<string, Uint8Array>): boolean {
  try {
    const existing = readdirSync(NODE_BUILD_DIR, { recursive: true, withFileTypes: true }).filter((d) =>
      d.isFile(),
    );
    return (
      existing.length === outputs.size &&
      existing.every((d) => {
        const path = join(d.parentPath, d.name);
        const wanted = outputs.get(relative(NODE_BUILD_DIR, path));
        return wanted !== undefined && Buffer.from(wanted).equals(readFileSync(path));
      })
    );
  } catch {
    return false;
  }
}

/**
 * Dependencies that stay in node_modules: PGlite finds its wasm and data files beside its
 * own module, and the bcrypt worker resolves bcryptjs by path.
 */
const KEPT_EXTERNAL = ['@electric-sql/pglite', 'bcryptjs'];

/**
 * CommonJS dependencies inside an ES module bundle still call require() (for Node's
 * built-in modules): every output file gets one of its own.
 */
const REQUIRE_BANNER =
  "import { createRequire as __keymintCreateRequire } from 'node:module'; const require = __keymintCreateRequire(import.meta.url);";

/**
 * Bundles our code and our dependencies (all but KEPT_EXTERNAL) into ES modules, a chunk
 * per command that main loads on demand: Node then reads a few large files at start
 * rather than resolving and compiling hundreds of small ones, which was most of the
 * start-up time.
 * Leaves dist/node/ alone when nothing changed, and otherwise swaps in a complete new
 * directory, so a process starting meanwhile never reads a half-written file.
 */
export async function buildNode(): Promise<{ changed: boolean }> {
  // What both outputs share: bundled for Node 20, kept in memory until compared.
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  } as const;
  const [cli, launcher] = await Promise.all([
    build({
      ...common,
      entryPoints: { keymint: 'src/cli/bin.ts' },
      outdir: NODE_BUILD_DIR,
      splitting: true,
      // Chunks beside the entry: every output file sits two levels under the root.
      chunkNames: '[name]-[hash]',
      format: 'esm',
      external: KEPT_EXTERNAL,
      banner: { js: REQUIRE_BANNER },
      // Stack traces map back to src/ with NODE_OPTIONS=--enable-source-maps.
      sourcemap: 'linked',
    }),
    build({ ...common, entryPoints: ['src/cli/launch.ts'], outfile: NODE_BIN, format: 'cjs' }),
  ]);
  const outputs = new Map(
    [...cli.outputFiles, ...launcher.outputFiles].map((f) => [relative(NODE_BUILD_DIR, f.path), f.contents]),
  );
  if (sameFiles(outputs)) return { changed: false };

  const fresh = `${NODE_BUILD_DIR}.new-${process.pid}`;
  const old = `${NODE_BUILD_DIR}.old-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  for (const [name, contents] of outputs) {
    mkdirSync(dirname(join(fresh, name)), { recursive: true });
    writeFileSync(join(fresh, name), contents);
  }
  ignoring(['ENOENT'], () => renameSync(NODE_BUILD_DIR, old));
  // Another build (a parallel test run) may have swapped its own output in meanwhile: keep that one.
  ignoring(['ENOTEMPTY', 'EEXIST'], () => renameSync(fresh, NODE_BUILD_DIR));
  rmSync(fresh, { recursive: true, force: true });
  rmSync(old, { recursive: true, force: true });
  return { changed: true };
}

/** Runs fn, tolerating the given error codes (what a parallel build can cause). */
function ignoring(codes: string[], fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!codes.includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  const { changed } = await buildNode();
  console.log(
    `${relative(process.cwd(), NODE_BIN)} ${changed ? 'built' : 'up to date'} in ${Math.round(performance.now() - t0)} ms`,
  );
}
