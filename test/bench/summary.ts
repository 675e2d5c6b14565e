// The `== summary ==` block: one line per measured pair, each against its target.
import type { FederationResult } from './federation-section';
import { GATEWAY_TARGET } from './gateway-section';
import { ms } from './result-table';
import type { PairResult } from './run-stats';
import { signed, significant, TIMING_ALPHA, type TimingResult } from './timing-section';
import type { PhaseResult } from './token-section';
import { USAGE_TARGET } from './usage-section';

export function printSummary(
  results: PhaseResult[],
  usage: PairResult | undefined,
  gateway: PairResult | undefined,
  timing?: TimingResult,
  federation?: FederationResult,
  mcp?: PairResult,
): void {
  console.log('\n== summary ==');
  for (const r of results) {
    const met = r.ratioRps >= 1 && r.ratioP99 <= 1;
    console.log(
      `keymint ${r.alg.padEnd(5)} / peer RS256: req/s ratio ${r.ratioRps.toFixed(2)}, p99 ratio ${r.ratioP99.toFixed(2)} ` +
        `(keymint ${Math.round(r.keymintRps)} req/s p99 ${ms(r.keymintP99)} ms, peer ${Math.round(r.peerRps)} req/s p99 ${ms(r.peerP99)} ms)` +
        (r.valid ? (met ? ' — target met' : ' — target missed') : ' — INVALID (keymint non-2xx/errors)'),
    );
  }
  const verdict = (r: PairResult, target: number) =>
    r.valid ? (r.ratioRps >= target ? ' — target met' : ' — target missed') : ' — INVALID';
  if (usage)
    console.log(
      `usage accounting on/off: req/s ratio ${usage.ratioRps.toFixed(2)} (target >= ${USAGE_TARGET}), p99 ratio ${usage.ratioP99.toFixed(2)} ` +
        `(on ${Math.round(usage.aRps)} req/s p99 ${ms(usage.aP99)} ms, off ${Math.round(usage.bRps)} req/s p99 ${ms(usage.bP99)} ms)` +
        verdict(usage, USAGE_TARGET),
    );
  if (gateway)
    console.log(
      `gateway/unauthenticated: req/s ratio ${gateway.ratioRps.toFixed(2)} (target >= ${GATEWAY_TARGET}), p99 ratio ${gateway.ratioP99.toFixed(2)} ` +
        `(gateway ${Math.round(gateway.aRps)} req/s p50 ${ms(gateway.aP50)} p99 ${ms(gateway.aP99)} ms, ` +
        `unauthenticated ${Math.round(gateway.bRps)} req/s p50 ${ms(gateway.bP50)} p99 ${ms(gateway.bP99)} ms)` +
        verdict(gateway, GATEWAY_TARGET),
    );
  if (timing) {
    const { runs, combined } = timing;
    const met = !significant(combined);
    console.log(
      `timing known/unknown client_id: runs combined p ${combined.p.toPrecision(2)}; ${runs.filter(significant).length} of ${runs.length} runs ` +
        `differ at p<${TIMING_ALPHA} (median differences ${runs.map((r) => signed(r.known - r.unknown)).join(', ')} µs)` +
        (timing.valid ? (met ? ' — target met' : ' — target missed') : ' — INVALID'),
    );
  }
  if (federation)
    console.log(
      `token exchange (RFC 8693, cached JWKS): ${Math.round(federation.rps)} req/s, p50 ${ms(federation.p50)} ms, p99 ${ms(federation.p99)} ms ` +
        `(client_credentials ${Math.round(federation.ccRps)} req/s p99 ${ms(federation.ccP99)} ms; ratio ${federation.ratioRps.toFixed(2)}; ` +
        `JWKS fetches during the rounds: ${federation.jwksFetches})` +
        (federation.valid ? '' : ' — INVALID'),
    );
  if (mcp)
    console.log(
      `MCP list_keys/API list: req/s ratio ${mcp.ratioRps.toFixed(2)}, p99 ratio ${mcp.ratioP99.toFixed(2)} ` +
        `(MCP ${Math.round(mcp.aRps)} req/s p50 ${ms(mcp.aP50)} p99 ${ms(mcp.aP99)} ms, ` +
        `API ${Math.round(mcp.bRps)} req/s p50 ${ms(mcp.bP50)} p99 ${ms(mcp.bP99)} ms)${mcp.valid ? '' : ' — INVALID'}`,
    );
}
