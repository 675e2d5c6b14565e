/** The signing algorithms whose signatures cost tens of microseconds, not hundreds. */
const CHEAP_SIGNATURES = new Set(['ES256', 'EdDSA']);

/**
 * The size to give Node's thread pool (UV_THREADPOOL_SIZE) for this command, or
 * undefined to leave Node's default (4) or the operator's own setting alone.
 *
 * Every signature goes to the pool. An RS256 signature (~280 µs) needs the pool's
 * threads on every core. An ES256 or EdDSA one (~27 µs) keeps one thread busy at most
 * (the event loop runs out first, near 10,000 tokens/s a core), and several idle
 * threads cost more than they give: each job wakes one, and they contend for the
 * pool's queue. With one thread the bench measured about 20 µs less CPU per ES256
 * token and 10–20 % more tokens a second, in one process and with worker processes.
 * SIGNING_ALG names the algorithm of new signing keys: right after a switch from RS256
 * the current key may still be RS256 until the next rotation, signing on one core.
 */
export function threadPoolSizeFor(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (argv[0] !== 'serve' || env.UV_THREADPOOL_SIZE) return undefined;
  return CHEAP_SIGNATURES.has(env.SIGNING_ALG ?? '') ? '1' : undefined;
}

/** libuv's pool size when UV_THREADPOOL_SIZE says nothing usable. */
const LIBUV_DEFAULT_THREADS = 4;

/** The size the thread pool has in a process started with `env` (after the launcher). */
export const threadPoolSize = (env: Readonly<Record<string, string | undefined>>): number =>
  Number(env.UV_THREADPOOL_SIZE) || LIBUV_DEFAULT_THREADS;
