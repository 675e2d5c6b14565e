// Section federation: keymint's RFC 8693 token exchange (a GitHub-shaped ID token from a
// fake issuer on loopback, verified against its cached JWKS) next to client_credentials
// on the same server. Every exchange needs an ID token of its own (jti is single-use),
// so each run's tokens are signed before the run starts and the run sends exactly that
// many requests (autocannon's `amount`), sized from the warm-up to last about --duration.
import { performance } from 'node:perf_hooks';
import autocannon, { type Result } from 'autocannon';
import type postgres from 'postgres';
import { DEFAULT_REPO, type FakeOidcIssuer, startFakeOidcIssuer } from '../federation/fake-oidc-issuer';
import { createBenchDb } from './bench-db';
import type { BenchOptions } from './bench-options';
import { recordPair } from './bench-table';
import { childEnv, cli } from './child-processes';
import { isAborting, onCleanup, setCurrentLoad } from './cleanup';
import { cpuSeconds, sumCpu } from './cpu-time';
import { header, ms, row } from './result-table';
import type { PairResult, Run } from './run-stats';
import { createKey, serveKeymint } from './servers';
import { tokenSide } from './token-requests';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
/** Bounds on the ID tokens signed per run (signing RS256 costs about 0.3 ms each). */
const MIN_POOL = 500;
const MAX_POOL = 150_000;

const form = (clientId: string, token: string) =>
  new URLSearchParams({
    grant_type: TOKEN_EXCHANGE,
    client_id: clientId,
    subject_token: token,
    subject_token_type: ID_TOKEN_TYPE,
    scope: 'read:subjects',
  }).toString();

/** `n` fresh ID tokens for the federation, and how long signing them took. */
async function signPool(issuer: FakeOidcIssuer, audience: string, n: number): Promise<string[]> {
  const started = performance.now();
  const pool: string[] = [];
  for (let i = 0; i < n; i++) pool.push(await issuer.idToken({ now: new Date(), audience }));
  console.log(`  signed ${n} ID tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return pool;
}

/** Sends exactly `pool.length` exchanges, each with the next unused token. */
function exchangeLoad(url: string, clientId: string, pool: string[], connections: number): Promise<Result> {
  let next = 0;
  // A few requests may be built and never sent at the end; they only need tokens to exist.
  const amount = Math.max(1, pool.length - 2 * connections);
  return new Promise((ok, fail) => {
    setCurrentLoad(
      autocannon(
        {
          url,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          connections,
          amount,
          timeout: 10,
          requests: [
            {
              setupRequest: (req) => {
                // Past the pool, a replay: refused, so counted as non-2xx and the run marked invalid.
                req.body = form(clientId, pool[Math.min(next++, pool.length - 1)] as string);
                return req;
              },
            },
          ],
        },
        (err, result) => {
          setCurrentLoad(undefined);
          if (isAborting()) fail(new Error('aborted'));
          else if (err) fail(err);
          else ok(result);
        },
      ),
    );
  });
}

function durationLoad(url: string, headers: Record<string, string>, body: string, o: BenchOptions) {
  return new Promise<Result>((ok, fail) => {
    setCurrentLoad(
      autocannon(
        { url, method: 'POST', headers, body, connections: o.connections, duration: o.duration, timeout: 10 },
        (err, result) => {
          setCurrentLoad(undefined);
          if (isAborting()) fail(new Error('aborted'));
          else if (err) fail(err);
          else ok(result);
        },
      ),
    );
  });
}

async function measured(
  side: string,
  round: number,
  pid: number | undefined,
  backends: number[],
  go: () => Promise<Result>,
) {
  const before = [cpuSeconds(pid), sumCpu(backends)];
  const r = await go();
  const after = [cpuSeconds(pid), sumCpu(backends)];
  const perAnswer = (i: number) => {
    const [a, b] = [before[i], after[i]];
    return a === undefined || b === undefined || r['2xx'] === 0 ? undefined : ((b - a) * 1e6) / r['2xx'];
  };
  const run: Run = {
    side,
    round,
    rps: r.requests.average,
    cpu: perAnswer(0),
    dbCpu: perAnswer(1),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  };
  console.log(row(side, run));
  return run;
}

export async function federationPhase(
  o: BenchOptions,
  sql: postgres.Sql,
  adminUrl: string,
): Promise<PairResult> {
  console.log(
    `\n== keymint token exchange (RFC 8693, GitHub-shaped RS256 ID tokens, cached JWKS) vs client_credentials ` +
      `(one server; ${o.connections} connections, ~${o.duration} s runs) ==`,
  );
  const issuer = await startFakeOidcIssuer();
  const stopIssuer = onCleanup(() => issuer.close());
  const db = await createBenchDb(sql, adminUrl, 'RS256');
  const trust = { FEDERATION_ISSUERS: issuer.url };
  try {
    const env = childEnv({ ...db.env, ...trust });
    await cli(['org', 'create', 'bench'], env);
    const key = await createKey(env, 'bench', ['read:subjects']);
    const server = await serveKeymint('keymint', db, trust);
    try {
      const { clientId } = JSON.parse(
        await cli(
          [
            'federation',
            'create',
            '--org',
            'bench',
            '--name',
            'bench',
            '--issuer',
            issuer.url,
            '--audience',
            server.base,
            '--subject',
            `repo:${DEFAULT_REPO.owner}/${DEFAULT_REPO.name}:ref:refs/heads/main`,
            '--claim',
            `repository_id=${DEFAULT_REPO.repositoryId}`,
            '--claim',
            `repository_owner_id=${DEFAULT_REPO.ownerId}`,
            '--scope',
            'read:subjects',
            '--json',
          ],
          env,
        ),
      ) as { clientId: string };
      const url = `${server.base}/token`;
      // One checked exchange; it also fills keymint's JWKS cache before anything is timed.
      const first = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form(clientId, await issuer.idToken({ now: new Date(), audience: server.base })),
      });
      const firstText = await first.text();
      if (first.status !== 200) throw new Error(`the first exchange answered ${first.status}: ${firstText}`);
      console.log(
        `exchange answers ${firstText.length} bytes with issued_token_type; federation ${clientId}`,
      );

      // Warm-up (at least a short calibration run): its rate sizes the timed runs' token pools.
      const calibration = Math.max(MIN_POOL, o.warmup * 400);
      const warm = await exchangeLoad(
        url,
        clientId,
        await signPool(issuer, server.base, calibration),
        o.connections,
      );
      if (warm.non2xx > 0) throw new Error(`the warm-up exchanges answered ${warm.non2xx} non-2xx`);
      // Each run's pool comes from the fastest rate seen so far (the warm-up runs on a cold JIT).
      let rate = warm.requests.average;
      const poolSize = () => Math.min(MAX_POOL, Math.max(MIN_POOL, Math.ceil(rate * o.duration * 1.1)));
      const cc = tokenSide('client_credentials', server.base, key.clientId, key.clientSecret, server.pid);
      if (o.warmup > 0) await durationLoad(cc.url, cc.headers, cc.body, { ...o, duration: o.warmup });

      const jwksBefore = issuer.jwksFetches;
      const backends = await db.backends();
      console.log(header('cpuµs/tok'));
      const rounds: Run[][] = [];
      for (let round = 1; round <= o.rounds; round++) {
        const tokens = await signPool(issuer, server.base, poolSize());
        const exchanged = await measured('token exchange', round, server.pid, backends, () =>
          exchangeLoad(url, clientId, tokens, o.connections),
        );
        rate = Math.max(rate, exchanged.rps);
        rounds.push([
          exchanged,
          await measured('client_creds', round, server.pid, backends, () =>
            durationLoad(cc.url, cc.headers, cc.body, o),
          ),
        ]);
      }
      const jwksFetches = issuer.jwksFetches - jwksBefore;
      const [ex, ccm] = recordPair(
        'token exchange vs client_credentials',
        rounds,
        ['RFC 8693 exchange', 'client_credentials'],
        { text: 'no target' },
      );
      console.log(
        `median token exchange: ${Math.round(ex.rps)} req/s, p50 ${ms(ex.p50)} ms, p99 ${ms(ex.p99)} ms | ` +
          `client_credentials: ${Math.round(ccm.rps)} req/s, p50 ${ms(ccm.p50)} ms, p99 ${ms(ccm.p99)} ms`,
      );
      console.log(
        `median server CPU per token: exchange ${ex.cpu} + PostgreSQL ${ex.dbCpu} | client_credentials ${ccm.cpu} + PostgreSQL ${ccm.dbCpu}`,
      );
      console.log(
        `ratio exchange/client_credentials (median of ${o.rounds} rounds): req/s ${ex.ratioRps.toFixed(2)}; ` +
          `JWKS fetched ${jwksFetches} times during the rounds`,
      );
      const bad = ex.bad + ccm.bad;
      if (bad > 0) {
        console.log(`INVALID: non-2xx or errors in ${bad} runs; these figures do not count`);
        console.log(server.tail());
      }
      return { valid: bad === 0 };
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
    await stopIssuer();
  }
}
