import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../../src/api-keys/create-key';
import { BUILTIN_SCOPE_CATALOG } from '../../src/api-keys/scopes';
import { operatorActor } from '../../src/audit/actor';
import type { Database, Db } from '../../src/db/database';
import { openPostgres } from '../../src/db/postgres';
import { apiKeys, usageHourly } from '../../src/db/schema/index';
import { FixedClock } from '../../src/lib/clock';
import type { Log } from '../../src/lib/log';
import { createOrg } from '../../src/orgs/create-org';
import { flushBeforeExit } from '../../src/usage/final-flush';
import { usageFlushLog } from '../../src/usage/flush-log';
import { UsageBuffer } from '../../src/usage/usage-buffer';
import { freePort } from '../helpers/free-port';
import { openTestDatabase, type TestDatabase } from '../helpers/test-db';

let testDb: TestDatabase;
let db: Db;
let closedPort: number;
const clients: Database[] = [];
/**
 * A real postgres.js client pointed at a loopback port nobody listens on: a database that
 * is away. A fresh one each time, since postgres.js waits longer before each new attempt.
 */
function away(): Db {
  const client = openPostgres(`postgres://postgres@127.0.0.1:${closedPort}/keymint`, { max: 1 });
  clients.push(client);
  return client.db;
}
let orgId: string;
const at = new Date('2026-03-04T10:15:00Z');

beforeAll(async () => {
  testDb = await openTestDatabase();
  db = testDb.database.db;
  closedPort = await freePort();
  orgId = (await createOrg(db, at, operatorActor(), { slug: 'usage-buffer' })).id;
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await testDb?.drop();
});

async function newKey(): Promise<string> {
  const ctx = { db, now: at, catalog: BUILTIN_SCOPE_CATALOG, actor: operatorActor() };
  return (await createKey(ctx, orgId, { name: 'k', scopes: ['read:*'] })).key.id;
}

async function usageOf(keyId: string) {
  return db
    .select({ hour: usageHourly.hour, issued: usageHourly.issued, refused: usageHourly.refused })
    .from(usageHourly)
    .where(eq(usageHourly.keyId, keyId))
    .orderBy(usageHourly.hour);
}

async function lastUseOf(keyId: string) {
  const [row] = await db
    .select({ at: apiKeys.lastUsedAt, ip: apiKeys.lastUsedIp })
    .from(apiKeys)
    .where(eq(apiKeys.id, keyId));
  return row;
}

const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);
const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);

describe('usage buffer when the database is away', () => {
  it('keeps every count through a failed flush, and writes them, with last use, once the database is back', async () => {
    const [a, b] = [await newKey(), await newKey()];
    const usage = new UsageBuffer();
    for (let i = 0; i < 3; i++) usage.record(a, orgId, later(i), 'issued', '198.51.100.1');
    usage.record(a, orgId, later(3), 'refused');
    usage.record(b, orgId, later(4), 'issued', '2001:db8::2');

    await expect(usage.flush(away())).rejects.toThrow();
    expect(usage.pending).toBe(2);

    // Counted between the failure and the recovery.
    usage.record(a, orgId, later(10), 'issued', '198.51.100.9');
    usage.record(a, orgId, later(3600), 'issued', '198.51.100.10');

    const result = await usage.flush(db);
    expect(result).toMatchObject({ counters: 3, lastUsed: 2, afterFailures: 1 });
    expect(usage.pending).toBe(0);
    expect(await usageOf(a)).toEqual([
      { hour: hourOf(at), issued: 4, refused: 1 },
      { hour: hourOf(later(3600)), issued: 1, refused: 0 },
    ]);
    expect(await usageOf(b)).toEqual([{ hour: hourOf(at), issued: 1, refused: 0 }]);
    expect(await lastUseOf(a)).toEqual({ at: later(3600), ip: '198.51.100.10' });
    expect(await lastUseOf(b)).toEqual({ at: later(4), ip: '2001:db8::2' });
  });

  it('keeps counts recorded while a failing flush is in flight', async () => {
    const a = await newKey();
    const usage = new UsageBuffer();
    usage.record(a, orgId, later(0), 'issued', '198.51.100.1');
    const failing = usage.flush(away());
    usage.record(a, orgId, later(1), 'issued', '198.51.100.2');
    usage.record(a, orgId, later(2), 'refused');
    await expect(failing).rejects.toThrow();
    usage.record(a, orgId, later(3), 'issued', '198.51.100.3');

    await usage.flush(db);
    expect(await usageOf(a)).toEqual([{ hour: hourOf(at), issued: 3, refused: 1 }]);
    expect(await lastUseOf(a)).toEqual({ at: later(3), ip: '198.51.100.3' });
  });

  it('writes nothing of a flush that fails part-way, so the retry counts each token once', async () => {
    const a = await newKey();
    const usage = new UsageBuffer();
    for (let i = 0; i < 5; i++) usage.record(a, orgId, later(i), 'issued', '198.51.100.5');
    // The database refuses the last-used update after accepting the usage upsert.
    await db.execute(
      sql.raw(`create function refuse_last_used() returns trigger language plpgsql as $$
        begin raise exception 'last use refused'; end $$`),
    );
    await db.execute(
      sql.raw(
        'create trigger refuse_last_used before update on api_keys for each row execute function refuse_last_used()',
      ),
    );
    try {
      await expect(usage.flush(db)).rejects.toThrow();
      expect(await usageOf(a)).toEqual([]);
    } finally {
      await db.execute(sql.raw('drop trigger refuse_last_used on api_keys'));
      await db.execute(sql.raw('drop function refuse_last_used()'));
    }
    await usage.flush(db);
    expect(await usageOf(a)).toEqual([{ hour: hourOf(at), issued: 5, refused: 0 }]);
    expect(await lastUseOf(a)).toEqual({ at: later(4), ip: '198.51.100.5' });
  });
});

describe('usage buffer bound', () => {
  it('drops counts that would need a new counter past the bound, counts them, and keeps counting existing ones', async () => {
    const [a, b, c, d] = [await newKey(), await newKey(), await newKey(), await newKey()];
    const usage = new UsageBuffer(true, { maxCounters: 2, maxLastUsed: 1 });
    usage.record(a, orgId, later(0), 'issued', '198.51.100.1');
    usage.record(b, orgId, later(1), 'refused');
    usage.record(c, orgId, later(2), 'issued', '198.51.100.3'); // no room: dropped
    usage.record(c, orgId, later(3), 'refused'); // dropped
    usage.record(a, orgId, later(4), 'issued', '198.51.100.4'); // a's counter exists: counted
    usage.record(b, orgId, later(3600), 'issued', '198.51.100.6'); // a new hour of b: dropped
    expect(usage.pending).toBe(2);
    expect(usage.dropped).toEqual({ counts: 3, lastUsed: 2 });

    // A write in flight still holds its share of the bound.
    const failing = usage.flush(away());
    usage.record(d, orgId, later(5), 'issued', '198.51.100.7');
    await expect(failing).rejects.toThrow();
    expect(usage.pending).toBe(2);
    expect(usage.dropped).toEqual({ counts: 4, lastUsed: 3 });

    await usage.flush(db);
    expect(await usageOf(a)).toEqual([{ hour: hourOf(at), issued: 2, refused: 0 }]);
    expect(await usageOf(b)).toEqual([{ hour: hourOf(at), issued: 0, refused: 1 }]);
    expect(await usageOf(c)).toEqual([]);
    expect(await usageOf(d)).toEqual([]);
    expect(await lastUseOf(a)).toEqual({ at: later(4), ip: '198.51.100.4' });
    expect(await lastUseOf(b)).toEqual({ at: null, ip: null });

    // Once written, there is room again.
    usage.record(c, orgId, later(6), 'issued', '198.51.100.8');
    await usage.flush(db);
    expect(await usageOf(c)).toEqual([{ hour: hourOf(at), issued: 1, refused: 0 }]);
  });
});

function captureLog() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const line =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      lines.push({ level, msg, fields });
    };
  const log: Log = { info: line('info'), warn: line('warn'), error: line('error') };
  return { log, lines };
}

describe('usage flush log and the flush at shutdown', () => {
  it('logs the first failure, a reminder at most once a minute, and the recovery with what was written late', async () => {
    const a = await newKey();
    const clock = new FixedClock(at);
    const { log, lines } = captureLog();
    const usage = new UsageBuffer();
    usage.listen(usageFlushLog(log, clock, usage));
    usage.record(a, orgId, later(0), 'issued', '198.51.100.1');
    for (let i = 0; i < 6; i++) {
      await expect(usage.flush(away())).rejects.toThrow();
      clock.advance(5);
    }
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['error', 'usage flush failed; counts are kept and retried'],
    ]);
    clock.advance(60);
    await expect(usage.flush(away())).rejects.toThrow();
    await expect(usage.flush(away())).rejects.toThrow();
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn']);
    expect(lines[1]?.fields).toMatchObject({ pendingCounters: 1, failingForSeconds: 90 });

    await usage.flush(db);
    await usage.flush(db);
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn', 'info']);
    expect(lines[2]).toMatchObject({
      msg: 'usage flush recovered',
      fields: { writtenLate: { counters: 1, lastUsed: 1 }, failedWrites: 8 },
    });
    expect(await usageOf(a)).toEqual([{ hour: hourOf(at), issued: 1, refused: 0 }]);
  });

  it('retries the final flush for a bounded time, then says how much it could not write', async () => {
    const a = await newKey();
    const { log, lines } = captureLog();
    const usage = new UsageBuffer();
    usage.record(a, orgId, later(0), 'issued', '198.51.100.1');
    usage.record(a, orgId, later(3600), 'refused');

    expect(await flushBeforeExit(usage, away(), log, 300)).toBe(false);
    expect(usage.failures).toBeGreaterThanOrEqual(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      msg: 'final usage flush gave up; these counts are lost',
      fields: { unwrittenCounters: 2, unwrittenLastUsed: 1 },
    });

    expect(await flushBeforeExit(usage, db, log, 300)).toBe(true);
    expect(await usageOf(a)).toEqual([
      { hour: hourOf(at), issued: 1, refused: 0 },
      { hour: hourOf(later(3600)), issued: 0, refused: 1 },
    ]);
  });
});
