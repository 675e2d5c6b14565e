// Section discovery: what verifiers fetch, keymint against the reference issuer: the JWKS
// and the discovery metadata (both cacheable documents keymint serves from bytes made
// once per keyset load).
import type postgres from 'postgres';
import type { BenchOptions } from './bench-options';
import { recordPair } from './bench-table';
import { alternate } from './load-rounds';
import { type Peer, startKeymint } from './servers';
import type { Side } from './side';

export const JWKS_TARGET = 2;
export const METADATA_TARGET = 1.5;

function getSide(name: string, url: string, pid: number | undefined, route?: string): Side {
  return {
    name,
    url,
    method: 'GET',
    headers: {},
    body: '',
    pid,
    ...(route
      ? {
          serverHistogram: {
            metricsUrl: new URL('/metrics', url).toString(),
            series: { route, method: 'GET', statusClass: '2xx' },
          },
        }
      : {}),
  };
}

/** One GET, which must answer 200 with a JSON object holding `field`. */
async function check(side: Side, field: string): Promise<string> {
  const res = await fetch(side.url);
  const text = await res.text();
  if (res.status !== 200 || !(field in (JSON.parse(text) as object)))
    throw new Error(`${side.name} answered ${res.status}: ${text.slice(0, 200)}`);
  return `${side.name}: ${text.length} bytes, etag ${res.headers.get('etag') ?? 'none'}`;
}

export async function discoveryPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
  peer: Peer,
): Promise<void> {
  console.log(
    `\n== GET JWKS and discovery metadata, keymint vs peer (${o.connections} connections, ${o.duration} s runs) ==`,
  );
  const keymint = await startKeymint(sql, adminUrl, 'RS256');
  const pid = keymint.side.pid;
  try {
    const pairs: { pair: string; path: string; peerPath: string; field: string; minRatio: number }[] = [
      {
        pair: 'GET JWKS',
        path: '/.well-known/jwks.json',
        peerPath: '/jwks',
        field: 'keys',
        minRatio: JWKS_TARGET,
      },
      {
        pair: 'GET discovery metadata',
        path: '/.well-known/openid-configuration',
        peerPath: '/.well-known/openid-configuration',
        field: 'issuer',
        minRatio: METADATA_TARGET,
      },
    ];
    for (const p of pairs) {
      const km = getSide(`keymint ${p.pair}`, `${keymint.base}${p.path}`, pid, p.path);
      const pr = getSide(`peer ${p.pair}`, `${peer.base}${p.peerPath}`, peer.pid);
      console.log(await check(km, p.field));
      console.log(await check(pr, p.field));
      const rounds = await alternate(
        o,
        [
          { label: `keymint ${p.peerPath === '/jwks' ? 'JWKS' : 'metadata'}`, side: km },
          { label: `peer ${p.peerPath === '/jwks' ? 'JWKS' : 'metadata'}`, side: pr },
        ],
        'cpuµs/req',
      );
      const [m] = recordPair(p.pair, rounds, ['keymint', 'peer'], { minRatio: p.minRatio });
      console.log(
        `ratio keymint/peer (median of ${o.rounds} rounds): req/s ${m.ratioRps.toFixed(2)} (target ≥ ${p.minRatio}), p99 ${m.ratioP99.toFixed(2)}`,
      );
    }
  } finally {
    await keymint.stop();
  }
}
