// What keymint's request timing (the /metrics histogram) costs a request: the same small
// app with and without the middleware, called in this process, in alternating batches.
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../../src/deps';
import { completeResponse, NOSNIFF } from '../../src/lib/complete-response';
import { Metrics } from '../../src/metrics/metrics';
import { requestTiming } from '../../src/metrics/request-timing';

const BATCH = 20_000;
const BATCHES = 10;

function app(timed: boolean): Hono<AppEnv> {
  const metrics = new Metrics(new Date());
  const a = new Hono<AppEnv>();
  a.use('*', (c, next) => {
    c.set('deps', { metrics } as unknown as Deps);
    return next();
  });
  if (timed)
    a.use(
      '*',
      requestTiming((c) => c.get('deps').metrics),
    );
  // A few routes around it, as the real app has, so matching and labelling are not trivial.
  for (const p of ['/healthz', '/readyz', '/.well-known/jwks.json', '/introspect', '/revoke'])
    a.get(p, (c) => c.body(null, 204));
  a.post('/token', () => completeResponse('{}', 200, { 'Content-Type': 'application/json', ...NOSNIFF }));
  return a;
}

/** µs per request the timing middleware adds (median over batches). */
export async function timingCostMicros(): Promise<number> {
  const apps = [app(false), app(true)] as const;
  const request = () => new Request('http://bench.local/token', { method: 'POST' });
  const batch = async (a: Hono<AppEnv>) => {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) await a.fetch(request());
    return ((performance.now() - t0) * 1000) / BATCH;
  };
  for (const a of apps) await batch(a); // warm-up
  const differences: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const without = await batch(apps[0]);
    const withTiming = await batch(apps[1]);
    differences.push(withTiming - without);
  }
  differences.sort((x, y) => x - y);
  return differences[Math.floor(differences.length / 2)] as number;
}
