import type fc from 'fast-check';

/**
 * How long each property runs. The seed is fixed so `npm test` checks the same inputs
 * every time (a failure reproduces, and the run stays well under a minute); fast-check
 * prints the seed and path of a failure. FUZZ_SEED (a number, or `random`) and
 * FUZZ_RUNS explore further by hand.
 */
export function fuzzRuns(seed: number, numRuns: number): fc.Parameters<unknown> {
  const wantedSeed = process.env.FUZZ_SEED;
  const wantedRuns = Number(process.env.FUZZ_RUNS);
  return {
    seed: wantedSeed === 'random' ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(wantedSeed) || seed,
    numRuns: Number.isInteger(wantedRuns) && wantedRuns > 0 ? wantedRuns : numRuns,
    endOnFailure: false,
  };
}
