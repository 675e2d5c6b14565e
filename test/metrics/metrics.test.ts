import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { openPostgres } from '../../src/db/postgres';
import { Metrics } from '../../src/metrics/metrics';
import { Registry } from '../../src/metrics/registry';
import { UsageBuffer } from '../../src/usage/usage-buffer';
import { api, bearer } from '../helpers/api-client';
import { freePort } from '../helpers/free-port';
import { requestToken, wrongSecret } from '../helpers/oauth-client';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_LINE = new RegExp(`^(${METRIC_NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL_PAIR = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(,|$)/;

/** A strict reader of the text format 0.0.4: every line must be HELP, TYPE or a sample of a declared family. */
function parseExposition(body: string): Exposition {
  expect(body.endsWith('\n')).toBe(true);
  const out: Exposition = { types: new Map(), help: new Map(), samples: [] };
  for (const line of body.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const [, what, name, text] = meta as unknown as [string, string, string, string];
      expect(name).toMatch(new RegExp(`^${METRIC_NAME}$`));
      if (what === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(text);
        expect(out.types.has(name), `TYPE ${name} twice`).toBe(false);
        out.types.set(name, text);
      } else out.help.set(name, text);
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    expect(m, `not a sample line: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name, labelText = '', valueText] = m as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    let rest = labelText;
    while (rest.length > 0) {
      const pair = LABEL_PAIR.exec(rest);
      expect(pair, `bad labels in ${line}`).not.toBeNull();
      const [whole, key, raw] = pair as unknown as [string, string, string];
      labels[key] = raw.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(whole.length);
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    expect(Number.isNaN(value) && valueText !== 'NaN', `bad value in ${line}`).toBe(false);
    const family = name.replace(/_(bucket|sum|count)$/, '');
    expect(out.types.has(name) || out.types.get(family) === 'histogram', `no TYPE before ${line}`).toBe(true);
    out.samples.push({ name, labels, value });
  }
  return out;
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** Every histogram series: buckets in increasing le, cumulative, +Inf equal to _count. */
function checkHistograms(e: Exposition): number {
  let series = 0;
  for (const [family, type] of e.types) {
    if (type !== 'histogram') continue;
    const buckets = e.samples.filter((s) => s.name === `${family}_bucket`);
    const sets = new Map<string, Record<string, string>>();
    for (const b of buckets) {
      const { le: _, ...rest } = b.labels;
      sets.set(JSON.stringify(Object.entries(rest).sort()), rest);
    }
    for (const labels of sets.values()) {
      series++;
      const mine = buckets.filter((b) => sameLabels({ ...labels, le: b.labels.le as string }, b.labels));
      const les = mine.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      expect(les.at(-1)).toBe(Infinity);
      for (let i = 1; i < mine.length; i++) {
        expect(les[i]).toBeGreaterThan(les[i - 1] as number);
        expect((mine[i] as Sample).value).toBeGreaterThanOrEqual((mine[i - 1] as Sample).value);
      }
      const count = e.samples.find((s) => s.name === `${family}_count` && sameLabels(s.labels, labels));
      const sum = e.samples.find((s) => s.name === `${family}_sum` && sameLabels(s.labels, labels));
      expect(count?.value).toBe(mine.at(-1)?.value);
      expect(sum?.value).toBeGreaterThanOrEqual(0);
    }
  }
  return series;
}

const value = (e: Exposition, name: string, labels: Record<string, string> = {}) =>
  e.samples.find((s) => s.name === name && sameLabels(s.labels, labels))?.value;

let t: TestApp;
let away: Database;

beforeAll(async () => {
  t = await createTestApp();
  away = openPostgres(`postgres://postgres@127.0.0.1:${await freePort()}/keymint`, { max: 1 });
});
afterAll(async () => {
  await away?.close();
  await t?.close();
});

async function scrape(): Promise<{ body: string; e: Exposition }> {
  const res = await t.app.request('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const body = await res.text();
  return { body, e: parseExposition(body) };
}

describe('GET /metrics', () => {
  it('times requests under their route pattern, never their path, and shows no client id, key name or secret', async () => {
    const org = await t.newOrg('metrics-org');
    const key = await t.newKey(org.id, { name: 'payments-ci-deployer', scopes: ['read:*'] });
    for (let i = 0; i < 3; i++) expect((await requestToken(t.app, key)).status).toBe(200);
    const wrong = await requestToken(t.app, {
      clientId: key.clientId,
      secret: wrongSecret(key.secret),
    });
    expect(wrong.status).toBe(401);
    const reader = await bearer(t, org.id, ['read:keys']);
    const view = await api(t, 'GET', `/orgs/${org.slug}/keys/${key.id}`, { token: reader });
    expect(view.status).toBe(200);
    const refused = await api(t, 'GET', `/orgs/${org.slug}/keys/${key.id}`, { token: 'not-a-token' });
    expect(refused.status).toBe(401);
    expect((await t.app.request(`/no/such/route/${key.clientId}`)).status).toBe(404);

    const { body, e } = await scrape();
    expect(checkHistograms(e)).toBeGreaterThan(0);
    const count = (route: string, method: string, status_class: string) =>
      value(e, 'keymint_http_request_duration_seconds_count', { route, method, status_class });
    expect(count('/token', 'POST', '2xx')).toBeGreaterThanOrEqual(4); // 3 here, 1 for the bearer
    expect(count('/token', 'POST', '4xx')).toBe(1);
    expect(count('/api/v1/orgs/:org/keys/:id', 'GET', '2xx')).toBe(1);
    // Refused by the authentication in front of it: still labelled with the endpoint's pattern.
    expect(count('/api/v1/orgs/:org/keys/:id', 'GET', '4xx')).toBe(1);
    expect(count('unmatched', 'GET', '4xx')).toBe(1);
    for (const s of e.samples) {
      const route = s.labels.route;
      if (route !== undefined) expect(route === 'unmatched' || !/\/(key|org)_|km_/.test(route)).toBe(true);
    }
    for (const secretish of [
      key.clientId,
      key.secret,
      key.id,
      org.id,
      org.slug,
      'payments-ci-deployer',
      reader,
    ]) {
      expect(body).not.toContain(secretish);
    }
    expect(value(e, 'keymint_signing_key_age_seconds', { state: 'current' })).toBeGreaterThanOrEqual(0);
    expect(value(e, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect(e.types.get('keymint_tokens_issued_total')).toBe('counter');
    expect(value(e, 'keymint_tokens_refused_total', { reason: 'invalid_client' })).toBeGreaterThanOrEqual(0);
    expect(value(e, 'keymint_database_errors_total')).toBe(0);
  });

  it('shows the usage backlog: pending counters, failed flushes, and none left once written', async () => {
    await t.deps.usage.flush(t.deps.db);
    const org = await t.newOrg('metrics-usage');
    const [a, b] = [await t.newKey(org.id), await t.newKey(org.id)];
    await requestToken(t.app, a);
    await requestToken(t.app, b);
    await expect(t.deps.usage.flush(away.db)).rejects.toThrow();

    let { e } = await scrape();
    expect(value(e, 'keymint_usage_pending_counters')).toBe(2);
    expect(value(e, 'keymint_usage_pending_last_used')).toBe(2);
    expect(value(e, 'keymint_usage_flush_failures_total')).toBe(1);
    expect(value(e, 'keymint_usage_dropped_total', { kind: 'count' })).toBe(0);

    await t.deps.usage.flush(t.deps.db);
    ({ e } = await scrape());
    expect(value(e, 'keymint_usage_pending_counters')).toBe(0);
    expect(value(e, 'keymint_usage_flush_failures_total')).toBe(1);
  });

  it('counts requests that failed on the database', async () => {
    const other = await createTestApp();
    const org = await other.newOrg('metrics-db');
    const key = await other.newKey(org.id);
    await other.testDb.database.close();
    try {
      const res = await requestToken(other.app, {
        clientId: 'km_0000000000000000000000',
        secret: key.secret,
      });
      expect(res.status).toBeGreaterThanOrEqual(500);
      const body = await (await other.app.request('/metrics')).text();
      expect(value(parseExposition(body), 'keymint_database_errors_total')).toBe(1);
    } finally {
      await other.close().catch(() => {});
    }
  });

  it('counts /token answers by outcome: issued per grant, refused per reason', async () => {
    const fresh = await createTestApp();
    try {
      const key = await fresh.newKey((await fresh.newOrg()).id);
      for (let i = 0; i < 3; i++) expect((await requestToken(fresh.app, key)).status).toBe(200);
      expect((await requestToken(fresh.app, { ...key, secret: wrongSecret(key.secret) })).status).toBe(401);
      expect((await requestToken(fresh.app, key, { scope: 'write:planets' })).status).toBe(400);
      const e = parseExposition(await (await fresh.app.request('/metrics')).text());
      expect(value(e, 'keymint_tokens_issued_total', { grant: 'client_credentials' })).toBe(3);
      expect(value(e, 'keymint_tokens_refused_total', { reason: 'invalid_client' })).toBe(1);
      expect(value(e, 'keymint_tokens_refused_total', { reason: 'invalid_scope' })).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('counts tokens issued and refused through the methods the token path calls', () => {
    const m = new Metrics(new Date('2026-01-01T00:00:00Z'));
    m.tokenIssued('client_credentials');
    m.tokenIssued('client_credentials');
    m.tokenIssued('made-up-grant');
    m.tokenRefused('invalid_scope');
    m.tokenRefused('throttled');
    m.tokenRefused('nonsense' as never);
    const usage = new UsageBuffer(true, { maxCounters: 1, maxLastUsed: 1 });
    usage.record('key_a', 'org_a', new Date(), 'issued', '198.51.100.1');
    usage.record('key_b', 'org_a', new Date(), 'issued', '198.51.100.2');
    const e = parseExposition(
      m.render({
        usage,
        signingKeys: [
          { state: 'current', createdAt: new Date('2026-01-10T00:00:00Z') },
          { state: 'previous', createdAt: new Date('2025-12-01T00:00:00Z') },
          { state: 'previous', createdAt: new Date('2025-11-01T00:00:00Z') },
        ],
        now: new Date('2026-01-11T00:00:00Z'),
      }),
    );
    expect(value(e, 'keymint_tokens_issued_total', { grant: 'client_credentials' })).toBe(2);
    expect(value(e, 'keymint_tokens_issued_total', { grant: 'other' })).toBe(1);
    expect(value(e, 'keymint_tokens_refused_total', { reason: 'invalid_scope' })).toBe(1);
    expect(value(e, 'keymint_tokens_refused_total', { reason: 'throttled' })).toBe(1);
    expect(value(e, 'keymint_tokens_refused_total', { reason: 'invalid_client' })).toBe(0);
    expect(value(e, 'keymint_tokens_refused_total', { reason: 'other' })).toBe(1);
    expect(value(e, 'keymint_usage_dropped_total', { kind: 'count' })).toBe(1);
    expect(value(e, 'keymint_usage_dropped_total', { kind: 'last_used' })).toBe(1);
    expect(value(e, 'keymint_usage_pending_counters')).toBe(1);
    expect(value(e, 'keymint_signing_key_age_seconds', { state: 'current' })).toBe(86_400);
    expect(value(e, 'keymint_signing_key_age_seconds', { state: 'previous' })).toBe(71 * 86_400);
    expect(value(e, 'keymint_signing_key_age_seconds', { state: 'next' })).toBeUndefined();
    expect(value(e, 'process_start_time_seconds')).toBe(Date.parse('2026-01-01T00:00:00Z') / 1000);
  });
});

describe('metrics registry', () => {
  it('escapes label values and help text, and keeps histograms cumulative with +Inf equal to the count', () => {
    const r = new Registry();
    const c = r.counter('demo_total', 'A help text with a \\ backslash\nand a newline.', ['path']);
    c.labels('a "quoted" \\ value\non two lines').inc(2);
    const h = r.histogram('demo_seconds', 'Durations.', ['kind'], [0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 2, 3]) h.labels('x').observe(v);
    const body = r.render();
    expect(body).toContain('# HELP demo_total A help text with a \\\\ backslash\\nand a newline.\n');
    expect(body).toContain('demo_total{path="a \\"quoted\\" \\\\ value\\non two lines"} 2\n');
    const e = parseExposition(body);
    expect(e.samples[0]?.labels.path).toBe('a "quoted" \\ value\non two lines');
    expect(checkHistograms(e)).toBe(1);
    expect(
      e.samples.filter((s) => s.name === 'demo_seconds_bucket').map((s) => [s.labels.le, s.value]),
    ).toEqual([
      ['0.1', 2],
      ['1', 3],
      ['+Inf', 5],
    ]);
    expect(value(e, 'demo_seconds_sum', { kind: 'x' })).toBeCloseTo(5.65);
    expect(() => r.counter('demo_total', 'again')).toThrow();
  });
});
