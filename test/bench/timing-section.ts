// Section timing: does the answer to a wrong secret take longer when the client_id
// exists? Sequential, interleaved requests (known id vs unknown id, both with a
// well-formed wrong secret), each round trip timed, compared per run with a
// Mann-Whitney U test and over the runs by combining their z.
import { randomInt } from 'node:crypto';
import type postgres from 'postgres';
import { generateClientId, generateSecret } from '../../src/api-keys/secrets';
import { createBenchDb } from './bench-db';
import type { BenchOptions } from './bench-options';
import { childEnv, cli } from './child-processes';
import { isAborting } from './cleanup';
import { mannWhitney, median, twoSidedP } from './rank-test';
import { createKey, serveKeymint } from './servers';
import { checkIssues, tokenSide } from './token-requests';

/** The significance level of the verdict. */
export const TIMING_ALPHA = 0.01;
/** Discarded pairs first, so JIT compilation and connection set-up fall outside the runs. */
const WARMUP_PAIRS = 200;
const EXPECTED = JSON.stringify({
  error: 'invalid_client',
  error_description: 'client authentication failed',
});

/** A test's outcome: z > 0 when known ids answer slower. */
export interface Verdict {
  z: number;
  p: number;
}

export interface TimingRun extends Verdict {
  /** Median round trip, µs. */
  known: number;
  unknown: number;
}

export interface TimingResult {
  runs: TimingRun[];
  /** The runs' tests combined: more power than any one run, and the summary's verdict. */
  combined: Verdict;
  valid: boolean;
}

/**
 * Failures are throttled per address (20 a minute), so every request comes from its own
 * address of the benchmarking range 198.18.0.0/15 (RFC 2544), forwarded by the loopback
 * "proxy" the server is told to trust — what any deployment behind a proxy sees.
 */
const forwardedFor = (i: number) => `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}`;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export async function timingPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
): Promise<TimingResult> {
  console.log(
    `\n== timing: known vs unknown client_id, both with a well-formed wrong secret ` +
      `(${o.rounds} runs x ${o.samples} interleaved pairs, sequential, after ${WARMUP_PAIRS} warm-up pairs) ==`,
  );
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const env = childEnv(db.env);
  await cli(['org', 'create', 'bench'], env);
  const key = await createKey(env, 'timing', ['read:subjects']);
  const server = await serveKeymint('keymint timing', db, { TRUST_PROXY: '127.0.0.1/32' });
  let sent = 0;
  let wrong = 0;
  /** One refused request's round trip in µs; anything but the generic 401 makes the run invalid. */
  const roundTrip = async (clientId: string): Promise<number> => {
    const init = {
      method: 'POST',
      headers: {
        authorization: basic(clientId, generateSecret()),
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': forwardedFor(sent++ % 131_072),
      },
      body: 'grant_type=client_credentials',
    };
    const start = process.hrtime.bigint();
    const res = await fetch(`${server.base}/token`, init);
    const text = await res.text();
    const elapsed = Number(process.hrtime.bigint() - start) / 1000;
    if (res.status !== 401 || text !== EXPECTED) {
      if (wrong++ === 0) console.log(`unexpected answer ${res.status}: ${text}`);
    }
    return elapsed;
  };
  /** `pairs` pairs, each in a random order, so drift in the machine's load hits both alike. */
  const sample = async (pairs: number) => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < pairs && !isAborting(); i++) {
      if (randomInt(2) === 0) {
        known.push(await roundTrip(key.clientId));
        unknown.push(await roundTrip(generateClientId()));
      } else {
        unknown.push(await roundTrip(generateClientId()));
        known.push(await roundTrip(key.clientId));
      }
    }
    return { known, unknown };
  };
  try {
    console.log(
      await checkIssues(tokenSide('keymint', server.base, key.clientId, key.clientSecret), 'RS256'),
    );
    await sample(WARMUP_PAIRS);
    const runs: TimingRun[] = [];
    for (let run = 1; run <= o.rounds; run++) {
      const s = await sample(o.samples);
      runs.push(report(`run ${run}`, s.known, s.unknown));
    }
    const combined = combine(runs);
    console.log(
      `all ${runs.length} runs (Stouffer's combined z): z ${combined.z.toFixed(2)}, p ${formatP(combined.p)}, ` +
        `median of the runs' differences ${signed(median(runs.map((r) => r.known - r.unknown)))} µs — ${verdict(combined)}`,
    );
    const valid = wrong === 0;
    if (!valid) {
      console.log(
        `INVALID: ${wrong} of ${sent} answers were not the generic 401; these figures do not count`,
      );
      console.log(server.tail());
    }
    return { runs, combined, valid };
  } finally {
    await server.stop();
    await db.drop();
  }
}

/** Prints one comparison's line and returns its figures. */
function report(label: string, known: number[], unknown: number[]): TimingRun {
  const test = mannWhitney(known, unknown);
  const r: TimingRun = { known: median(known), unknown: median(unknown), p: test.p, z: test.z };
  console.log(
    `${label}: median known ${us(r.known)} µs, unknown ${us(r.unknown)} µs, ` +
      `difference ${signed(r.known - r.unknown)} µs; Mann-Whitney U ${test.u}, z ${test.z.toFixed(2)}, ` +
      `p ${formatP(r.p)} — ${verdict(r)}`,
  );
  return r;
}

/**
 * The runs together: their z summed over the square root of their number (equal-sized
 * runs weigh alike). Not one test over all samples: the machine's load drifts between
 * runs, which would blur the comparison within each.
 */
function combine(runs: Verdict[]): Verdict {
  const z = runs.reduce((sum, r) => sum + r.z, 0) / Math.sqrt(runs.length);
  return { z, p: twoSidedP(z) };
}

const us = (n: number) => n.toFixed(1);
export const signed = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)}`;
const formatP = (p: number) => (p < 0.0001 ? p.toExponential(1) : p.toFixed(4));

export const significant = (r: Verdict) => r.p < TIMING_ALPHA;

function verdict(r: Verdict): string {
  if (!significant(r)) return `no significant difference at p<${TIMING_ALPHA}`;
  return `SIGNIFICANT at p<${TIMING_ALPHA}: known ids answer ${r.z > 0 ? 'slower' : 'faster'}`;
}
