// `npm run bench`: keymint under load on the same machine, section by section, each in
// alternating rounds with autocannon so both contenders see the same machine, ending in
// one table of every pair (test/bench/bench-table.ts):
//
//   token    keymint's POST /token against a reference issuer (panva's oidc-provider,
//            test/bench/peer-server.mjs). For each signing algorithm (RS256, then ES256)
//            it creates throw-away PostgreSQL databases, makes an org and a key with the
//            CLI and starts `keymint serve` as a user would: once as one process, once
//            with WORKER_PROCESSES=--workers. The peer always signs RS256: it is the
//            reference. Prints the overhead per token: server + PostgreSQL CPU per token
//            minus one signature of the algorithm (target ≤ 100 µs), and what the request
//            timing behind /metrics costs a request.
//   discovery  GET JWKS and GET discovery metadata, keymint vs the peer (targets 2× and 1.5×).
//   scale    /token with --scale-keys keys in PostgreSQL against 100 (seeded by the bench;
//            target within 10 %).
//   instances  two keymint instances on one PostgreSQL vs one: the capacity model's figures.
//   usage    keymint RS256 POST /token with USAGE_ACCOUNTING=on against =off: two servers
//            on one database, each with its own key; afterwards the usage table must show
//            the "on" key's tokens and nothing for the "off" key. Target: ratio >= 0.95.
//   gateway  keymint's POST /graphql (bearer token, revocation cache, limits, scopes) for
//            `{ subjects { id name } }` over 5 subjects, against the same built-in schema
//            served without authentication on the same database
//            (test/bench/unauthenticated-graphql.ts). Every answer must be the same body.
//            Target: ratio >= 0.85.
//   timing   whether a refused /token answer reveals that a client_id exists: known id vs
//            unknown id, both with a well-formed wrong secret, as --rounds runs of --samples
//            interleaved sequential pairs, each round trip timed; per run the medians, their
//            difference and a Mann-Whitney U test, then the runs combined (Stouffer's z;
//            test/bench/timing-section.ts). The server trusts the loopback proxy
//            (TRUST_PROXY=127.0.0.1/32) and each request carries its own X-Forwarded-For, so
//            the per-address throttle does not interfere. Target: no difference at p < 0.01
//            combined.
//   mcp      MCP `tools/call list_keys` at /mcp against GET /api/v1/orgs/{org}/keys on one
//            server with one read:keys token: what the protocol costs over the REST route.
//   federation keymint's RFC 8693 token exchange (test/bench/federation-section.ts): a fake
//            GitHub-shaped OIDC issuer in this process, a federation made with the CLI, and one
//            fresh ID token per request (jti is single-use), signed before each timed run; the
//            JWKS is cached by then. Reports p50/p99 and req/s next to client_credentials on the
//            same server; a JWKS fetch during the rounds is reported.
//
// Every keymint side also reads keymint's own /token (or route) histogram from /metrics
// before and after each run: its p50/p99 stand next to autocannon's in the table.
// Everything listens on 127.0.0.1; children and databases are removed at the end,
// on errors, on Ctrl-C and when the run overstays its time budget. A run with non-2xx
// answers, errors or (gateway) other bodies is INVALID and exits 1.
//
//   npm run bench -- [--only token,discovery,scale,instances,usage,gateway,timing,federation,mcp]
//                    [--connections 50] [--duration 10] [--rounds 3] [--warmup 3] [--samples 500]
//                    [--alg RS256 --alg ES256 | --skip-es256] [--workers 2] [--scale-keys 1000000]
//                    [--cpu-prof DIR]
//
// The admin database URL comes from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres.
import { availableParallelism } from 'node:os';
import postgres from 'postgres';
import { parseOptions, type Section } from './bench-options';
import { recordNote } from './bench-table';
import { setCpuProfDir } from './child-processes';
import { abort, cleanUp, isAborting, onCleanup } from './cleanup';
import { discoveryPhase } from './discovery-section';
import { federationPhase } from './federation-section';
import { gatewayPhase } from './gateway-section';
import { instancesPhase } from './instances-section';
import { mcpPhase } from './mcp-section';
import { timingCostMicros } from './metrics-cost';
import { scalePhase } from './scale-section';
import { startPeer } from './servers';
import { signingLine, signingRates } from './signing-floor';
import { printSummary } from './summary';
import { timingPhase } from './timing-section';
import { type PhaseResult, tokenPhase } from './token-section';
import { usagePhase } from './usage-section';

// The entry point: options, the time budget, the sections in order and the exit code;
// each section and helper lives in its own file beside this one.
async function main(): Promise<number> {
  const o = parseOptions();
  const adminUrl =
    process.env.BENCH_DATABASE_URL ||
    process.env.TEST_DATABASE_URL ||
    'postgres://postgres@127.0.0.1:5432/postgres';
  const host = new URL(adminUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    throw new Error(`the bench only uses loopback traffic; the database host is ${host}`);
  const has = (s: Section) => o.sections.includes(s);
  setCpuProfDir(o.cpuProf);

  // A hard stop: setup, warm-ups and rounds, plus a generous margin, per measured pair.
  const pairs =
    (has('token') ? o.algs.length * (o.workers > 1 ? 1.5 : 1) : 0) +
    (has('discovery') ? 2 : 0) +
    (has('scale') ? 1 : 0) +
    (has('instances') ? 1 : 0) +
    (has('usage') ? 1 : 0) +
    (has('gateway') ? 1 : 0) +
    (has('federation') ? 1 : 0) +
    (has('mcp') ? 1 : 0);
  // timing: set-up plus its requests at a generous 5 ms each.
  const timingBudget = has('timing') ? 120 + Math.ceil((2 * (200 + o.rounds * o.samples) * 5) / 1000) : 0;
  // federation: signing each run's ID tokens first (at most 150,000 at about 0.3 ms each).
  const federationBudget = has('federation') ? (o.rounds + 1) * 60 : 0;
  // scale: seeding, at a generous 200,000 keys a second.
  const scaleBudget = has('scale') ? 60 + Math.ceil(o.scaleKeys / 200_000) : 0;
  const budget =
    pairs * (2 * o.warmup + 2 * o.rounds * (o.duration + 4) + 120) +
    timingBudget +
    federationBudget +
    scaleBudget +
    60;
  const deadline = setTimeout(() => abort(`over the time budget of ${budget} s`, 124), budget * 1000);
  deadline.unref();

  console.log(
    `keymint token bench: node ${process.version}, ${availableParallelism()} cores; ${o.connections} connections, ` +
      `${o.duration} s x ${o.rounds} alternating rounds, ${o.warmup} s warm-up; algs ${o.algs.join(', ')}; ` +
      `sections ${o.sections.join(', ')}`,
  );
  const rates = signingRates();
  console.log(signingLine(rates));
  recordNote(`host: ${signingLine(rates)}`);

  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  onCleanup(() => sql.end({ timeout: 5 }));

  const results: PhaseResult[] = [];
  if (has('token') || has('discovery')) {
    const peer = await startPeer();
    if (has('token')) {
      for (const alg of o.algs) results.push(...(await tokenPhase(o, sql, adminUrl, peer.side, alg, rates)));
      const timingUs = await timingCostMicros();
      const perToken = results.map((r) => r.cpuUs).filter((x): x is number => x !== undefined);
      const cheapest = perToken.length > 0 ? Math.min(...perToken) : undefined;
      const line =
        `request timing behind /metrics: ${timingUs.toFixed(2)} µs a request (measured in process)` +
        (cheapest === undefined
          ? ''
          : `, ${((100 * timingUs) / cheapest).toFixed(1)} % of the cheapest token's ${Math.round(cheapest)} µs server CPU (target ≤ 2 %)`);
      console.log(line);
      recordNote(line);
    }
    if (has('discovery')) await discoveryPhase(o, sql, adminUrl, peer);
  }
  if (has('scale')) await scalePhase(o, sql, adminUrl);
  if (has('instances')) await instancesPhase(o, sql, adminUrl, o.algs[0] ?? 'RS256');
  const usage = has('usage') ? await usagePhase(o, sql, adminUrl) : undefined;
  const gateway = has('gateway') ? await gatewayPhase(o, sql, adminUrl) : undefined;
  const timing = has('timing') ? await timingPhase(o, sql, adminUrl) : undefined;
  const federation = has('federation') ? await federationPhase(o, sql, adminUrl) : undefined;

  const mcp = has('mcp') ? await mcpPhase(o, sql, adminUrl) : undefined;

  const tableValid = printSummary(timing);
  return tableValid &&
    results.every((r) => r.valid) &&
    usage?.valid !== false &&
    gateway?.valid !== false &&
    timing?.valid !== false &&
    federation?.valid !== false &&
    mcp?.valid !== false
    ? 0
    : 1;
}

process.on('SIGINT', () => abort('interrupted', 130));
process.on('SIGTERM', () => abort('terminated', 143));
process.on('SIGHUP', () => abort('hung up', 129));
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (e: unknown) => {
    console.error(`bench: ${event}: ${(e as Error)?.stack ?? e}`);
    abort('crashed', 1);
  });
}

main().then(
  async (code) => {
    if (isAborting()) return; // abort() cleans up and exits
    await cleanUp();
    process.exit(code);
  },
  async (e) => {
    if (isAborting()) return;
    console.error(`bench failed: ${(e as Error).stack ?? e}`);
    await cleanUp();
    process.exit(1);
  },
);
