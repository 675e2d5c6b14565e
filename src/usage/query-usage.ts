import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { usageHourly } from '../db/schema/index';
import { validationError } from '../lib/domain-error';
import { isStorableInstant, UNSTORABLE_INSTANT_MESSAGE } from '../lib/storable-instant';

export type Granularity = 'hour' | 'day';
const STEP_MS = { hour: 3_600_000, day: 86_400_000 } as const;
const DEFAULT_BUCKETS = { hour: 24, day: 30 } as const;
const MAX_BUCKETS = { hour: 24 * 31, day: 366 } as const;

export interface UsageQuery {
  orgId: string;
  keyId?: string | undefined;
  granularity?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface UsageReport {
  granularity: Granularity;
  buckets: { start: string; issued: number; refused: number }[];
  totals: { issued: number; refused: number };
}

function instant(field: string, text: string): Date {
  const t = Date.parse(text);
  if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw validationError(field, 'must be an RFC 3339 date-time');
  const at = new Date(t);
  if (!isStorableInstant(at)) throw validationError(field, UNSTORABLE_INSTANT_MESSAGE);
  return at;
}

/**
 * Tokens issued and refused per hour or day over a window (default: the last 24 hours,
 * or 30 days), every bucket present even when empty, for one key or the whole org.
 */
export async function queryUsage(db: Executor, now: Date, q: UsageQuery): Promise<UsageReport> {
  const granularity = (q.granularity ?? 'hour') as Granularity;
  if (granularity !== 'hour' && granularity !== 'day')
    throw validationError('granularity', 'must be hour or day');
  const step = STEP_MS[granularity];
  const floor = (d: Date) => new Date(Math.floor(d.getTime() / step) * step);
  const to = q.to ? instant('to', q.to) : new Date(floor(now).getTime() + step);
  const from = q.from
    ? floor(instant('from', q.from))
    : new Date(floor(to).getTime() - DEFAULT_BUCKETS[granularity] * step);
  if (from.getTime() >= to.getTime()) throw validationError('from', 'must be before to');
  // The default window reaches back from `to`: it must not start before year 1 either.
  if (!isStorableInstant(from)) throw validationError('from', UNSTORABLE_INSTANT_MESSAGE);
  const count = Math.ceil((to.getTime() - from.getTime()) / step);
  if (count > MAX_BUCKETS[granularity]) {
    throw validationError(
      'from',
      `a window holds at most ${MAX_BUCKETS[granularity]} ${granularity} buckets`,
    );
  }
  const rows = await db
    .select({
      hour: usageHourly.hour,
      issued: sql<number>`sum(${usageHourly.issued})`.mapWith(Number),
      refused: sql<number>`sum(${usageHourly.refused})`.mapWith(Number),
    })
    .from(usageHourly)
    .where(
      and(
        eq(usageHourly.orgId, q.orgId),
        q.keyId ? eq(usageHourly.keyId, q.keyId) : undefined,
        gte(usageHourly.hour, from),
        lt(usageHourly.hour, to),
      ),
    )
    .groupBy(usageHourly.hour);
  const buckets = Array.from({ length: count }, (_, i) => ({
    start: new Date(from.getTime() + i * step).toISOString(),
    issued: 0,
    refused: 0,
  }));
  for (const r of rows) {
    const b = buckets[Math.floor((r.hour.getTime() - from.getTime()) / step)];
    if (!b) continue;
    b.issued += r.issued;
    b.refused += r.refused;
  }
  const totals = buckets.reduce((t, b) => ({ issued: t.issued + b.issued, refused: t.refused + b.refused }), {
    issued: 0,
    refused: 0,
  });
  return { granularity, buckets, totals };
}
