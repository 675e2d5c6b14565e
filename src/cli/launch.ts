// The executable's first file (dist/node/keymint.cjs): CommonJS, so that it runs before
// Node's thread pool starts. Loading an ES module already uses the pool, and the pool
// reads UV_THREADPOOL_SIZE once, when it starts. Then it loads the CLI (bin.ts).
import { threadPoolSizeFor } from '../entry/thread-pool-size';

const size = threadPoolSizeFor(process.argv.slice(2), process.env);
if (size) process.env.UV_THREADPOOL_SIZE = size;
// Beside this file once built; a variable, so the bundler leaves the import to Node.
const cli = './keymint.js';
import(cli).catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
