// The bench's command line: parsing, validation and the usage text.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type Alg = (typeof ALGS)[number];

export const SECTIONS = [
  'token',
  'discovery',
  'scale',
  'instances',
  'usage',
  'gateway',
  'timing',
  'federation',
  'mcp',
] as const;
export type Section = (typeof SECTIONS)[number];

export const USAGE = `usage: npm run bench -- [--only token,discovery,scale,instances,usage,gateway,timing,federation,mcp]
                        [--connections N] [--duration S] [--rounds N] [--warmup S] [--samples N]
                        [--alg RS256|ES256|EdDSA]… [--skip-es256] [--workers N] [--scale-keys N] [--cpu-prof DIR]
  sections (default all; --only may repeat or list several, comma-separated):
    token    keymint POST /token vs node-oidc-provider, once per --alg: one process, and --workers
             worker processes (WORKER_PROCESSES); the overhead per token beyond one signature
    discovery  GET JWKS and GET discovery metadata, keymint vs node-oidc-provider (targets 2× and 1.5×)
    scale    keymint POST /token with --scale-keys keys in PostgreSQL vs 100 (seeded by the bench;
             each run cycles over 100 keys; target within 10 %)
    instances  two keymint instances on one PostgreSQL vs one: per-instance tokens/s and CPU, and
             what PostgreSQL sees per token (the capacity model's figures)
    usage    keymint RS256 POST /token, USAGE_ACCOUNTING=on vs off (target ratio >= 0.95)
    gateway  keymint POST /graphql vs the same schema without authentication (target >= 0.85)
    timing   refused /token round trips, known vs unknown client_id: --rounds runs of --samples
             interleaved sequential pairs, Mann-Whitney U per run, runs combined by Stouffer's z
             (target: no difference at p<0.01 combined)
    federation  keymint RFC 8693 token exchange (fresh GitHub-shaped ID token per request, cached
             JWKS) next to client_credentials on the same server: latency p50/p99 and req/s
    mcp      MCP tools/call list_keys at /mcp vs GET /api/v1/orgs/{org}/keys on the same server
  --cpu-prof DIR  keymint and baseline servers write V8 CPU profiles (node --cpu-prof) to DIR.
             They sample wall time: under load a thread that wakes another (handing a
             signature to the thread pool, writing to a socket) is often preempted there,
             so signOneShot and writev look costlier than they are. For where the CPU goes,
             run with NODE_OPTIONS=--perf-basic-prof and attach
             perf record -e cpu-clock -g -p <server pid>.
  defaults: 50 connections, 10 s per run, 3 rounds, 3 s warm-up, 500 samples, --alg RS256 --alg ES256,
            --workers 2 (1: one process only), --scale-keys 1000000`;

export interface BenchOptions {
  connections: number;
  duration: number;
  rounds: number;
  warmup: number;
  /** timing: request pairs per run. */
  samples: number;
  algs: Alg[];
  /** token: WORKER_PROCESSES of the multi-process contender (1: none). */
  workers: number;
  /** scale: keys in the large database. */
  scaleKeys: number;
  sections: Section[];
  cpuProf: string | undefined;
}

/** Reads process.argv; prints the usage and exits (0 for --help, 2 for bad options) instead of returning. */
export function parseOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '3' },
      samples: { type: 'string', default: '500' },
      alg: { type: 'string', multiple: true },
      'skip-es256': { type: 'boolean', default: false },
      workers: { type: 'string', default: '2' },
      'scale-keys': { type: 'string', default: '1000000' },
      only: { type: 'string', multiple: true },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, v: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`--${name} must be a whole number from ${min} to ${max}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  let algs = (values.alg ?? ['RS256', 'ES256']).map((a) => {
    if (!(ALGS as readonly string[]).includes(a)) {
      console.error(`--alg must be one of ${ALGS.join(', ')}\n${USAGE}`);
      process.exit(2);
    }
    return a as Alg;
  });
  if (values['skip-es256']) algs = algs.filter((a) => a !== 'ES256');
  const only = new Set(
    (values.only ?? [SECTIONS.join(',')]).flatMap((v) => v.split(',').map((x) => x.trim())).filter(Boolean),
  );
  for (const name of only) {
    if (!(SECTIONS as readonly string[]).includes(name)) {
      console.error(`--only takes ${SECTIONS.join(', ')}; got "${name}"\n${USAGE}`);
      process.exit(2);
    }
  }
  const sections = SECTIONS.filter((x) => only.has(x));
  if (sections.length === 0 || (sections.includes('token') && algs.length === 0)) {
    console.error(`nothing to run\n${USAGE}`);
    process.exit(2);
  }
  return {
    connections: whole('connections', values.connections, 1, 1000),
    duration: whole('duration', values.duration, 1, 300),
    rounds: whole('rounds', values.rounds, 1, 20),
    warmup: whole('warmup', values.warmup, 0, 60),
    samples: whole('samples', values.samples, 20, 20_000),
    algs: [...new Set(algs)],
    workers: whole('workers', values.workers, 1, 64),
    scaleKeys: whole('scale-keys', values['scale-keys'], 200, 20_000_000),
    sections: sections as Section[],
    cpuProf: values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined,
  };
}
