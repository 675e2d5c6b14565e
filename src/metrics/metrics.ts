import {
  type Counter,
  type CounterChild,
  type Gauge,
  type GaugeChild,
  type Histogram,
  type HistogramChild,
  Registry,
} from './registry';

/** Why /token refused: the RFC 6749 codes it answers, plus throttling and an unavailable database. */
export const TOKEN_REFUSAL_REASONS = [
  'invalid_client',
  'invalid_request',
  'invalid_grant',
  'invalid_scope',
  'invalid_target',
  'unauthorized_client',
  'unsupported_grant_type',
  'throttled',
  'unavailable',
  'server_error',
] as const;
export type TokenRefusalReason = (typeof TOKEN_REFUSAL_REASONS)[number];

export const TOKEN_GRANTS = [
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
] as const;

/**
 * Request durations, in seconds: 0.1 ms (a token is answered in well under a millisecond)
 * to 5 s (the longest any request may take).
 */
export const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

/** The label of requests no route answered, so unknown paths never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';
/** Route patterns are a fixed set; this only guards against a surprise. */
const MAX_ROUTES = 500;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const STATUS_CLASSES = ['1xx', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

interface RouteTimers {
  route: string;
  byMethod: Map<string, (HistogramChild | undefined)[]>;
}

/** What the usage buffer tells at scrape time. */
export interface UsageBacklog {
  readonly pending: number;
  readonly pendingLastUsed: number;
  readonly dropped: { readonly counts: number; readonly lastUsed: number };
  readonly failures: number;
}

/** What a scrape reads from the rest of the instance. */
export interface ScrapeView {
  usage: UsageBacklog;
  signingKeys: readonly { state: string; createdAt: Date }[];
  now: Date;
}

/**
 * The instance's instruments, by name. Labels come from fixed sets or from route
 * patterns, never from what a caller sent: no client id, key name, path or secret can
 * reach the exposition.
 */
export class Metrics {
  private readonly registry = new Registry();
  private readonly issued: Counter;
  private readonly refused: Counter;
  private readonly duration: Histogram;
  private readonly dbErrors: CounterChild;
  private readonly usagePending: GaugeChild;
  private readonly usagePendingLastUsed: GaugeChild;
  private readonly usageDropped: Counter;
  private readonly usageFailures: CounterChild;
  private readonly keyAge: Gauge;
  private readonly issuedBy = new Map<string, CounterChild>();
  private readonly refusedBy = new Map<string, CounterChild>();
  /** route → method → status class (index = status / 100) → child; filled on first use. */
  private readonly timers = new Map<string, RouteTimers>();

  constructor(startedAt: Date) {
    const r = this.registry;
    r.gauge('process_start_time_seconds', 'When this instance started, in seconds since the Unix epoch.')
      .labels()
      .set(startedAt.getTime() / 1000);
    this.issued = r.counter('keymint_tokens_issued_total', 'Access tokens issued, by grant type.', ['grant']);
    for (const g of TOKEN_GRANTS) this.issuedBy.set(g, this.issued.labels(g));
    this.refused = r.counter('keymint_tokens_refused_total', 'Token requests refused, by reason.', [
      'reason',
    ]);
    for (const reason of TOKEN_REFUSAL_REASONS) this.refusedBy.set(reason, this.refused.labels(reason));
    this.duration = r.histogram(
      'keymint_http_request_duration_seconds',
      'Time to answer a request, by route pattern, method and status class.',
      ['route', 'method', 'status_class'],
      DURATION_BUCKETS,
    );
    this.dbErrors = r
      .counter(
        'keymint_database_errors_total',
        'Requests answered with a server error because of the database (failed usage flushes are keymint_usage_flush_failures_total).',
      )
      .labels();
    this.usagePending = r
      .gauge('keymint_usage_pending_counters', 'Key-hour usage counters not yet written to the database.')
      .labels();
    this.usagePendingLastUsed = r
      .gauge('keymint_usage_pending_last_used', 'Keys whose last use is not yet written to the database.')
      .labels();
    this.usageDropped = r.counter(
      'keymint_usage_dropped_total',
      'Token outcomes (count) and last uses (last_used) not recorded because the usage buffer was full.',
      ['kind'],
    );
    this.usageFailures = r
      .counter(
        'keymint_usage_flush_failures_total',
        'Usage writes that failed and were kept for the next one.',
      )
      .labels();
    this.keyAge = r.gauge(
      'keymint_signing_key_age_seconds',
      'Age of the signing keys this instance holds, by state (the oldest when several share one).',
      ['state'],
    );
  }

  /** One token issued under `grant` (a grant_type value). */
  tokenIssued(grant: string): void {
    (this.issuedBy.get(grant) ?? this.other(this.issued, this.issuedBy)).inc();
  }

  /** One token request refused; map `temporarily_unavailable` to throttled (429) or unavailable (503). */
  tokenRefused(reason: TokenRefusalReason): void {
    (this.refusedBy.get(reason) ?? this.other(this.refused, this.refusedBy)).inc();
  }

  /** A database failure that was caught and answered without reaching the app's error handler. */
  databaseError(): void {
    this.dbErrors.inc();
  }

  /** Records one answered request; `route` is a registered pattern (or UNMATCHED_ROUTE). */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const timers = this.timers.get(route) ?? this.routeTimers(route);
    const m = METHODS.has(method) ? method : 'OTHER';
    let byClass = timers.byMethod.get(m);
    if (!byClass) {
      byClass = [];
      timers.byMethod.set(m, byClass);
    }
    const cls = status >= 100 && status < 600 ? Math.floor(status / 100) : 5;
    let child = byClass[cls];
    if (!child) {
      child = this.duration.labels(timers.route, m, STATUS_CLASSES[cls] as string);
      byClass[cls] = child;
    }
    child.observe(seconds);
  }

  private routeTimers(route: string): RouteTimers {
    const label = this.timers.size < MAX_ROUTES ? route : UNMATCHED_ROUTE;
    let timers = this.timers.get(label);
    if (!timers) {
      timers = { route: label, byMethod: new Map() };
      this.timers.set(label, timers);
    }
    return timers;
  }

  /** The exposition, with the scrape-time values read now. */
  render(view: ScrapeView): string {
    this.usagePending.set(view.usage.pending);
    this.usagePendingLastUsed.set(view.usage.pendingLastUsed);
    this.usageDropped.labels('count').value = view.usage.dropped.counts;
    this.usageDropped.labels('last_used').value = view.usage.dropped.lastUsed;
    this.usageFailures.value = view.usage.failures;
    const oldest = new Map<string, number>();
    for (const k of view.signingKeys) {
      const t = k.createdAt.getTime();
      oldest.set(k.state, Math.min(oldest.get(k.state) ?? t, t));
    }
    this.keyAge.clear();
    for (const [state, t] of oldest)
      this.keyAge.labels(state).set(Math.max(0, (view.now.getTime() - t) / 1000));
    return this.registry.render();
  }

  private other(family: Counter, cache: Map<string, CounterChild>): CounterChild {
    let child = cache.get('other');
    if (!child) {
      child = family.labels('other');
      cache.set('other', child);
    }
    return child;
  }
}
