import { DrizzleQueryError } from 'drizzle-orm';
import { DomainError } from '../lib/domain-error';
import { UNSTORABLE_INSTANT_MESSAGE } from '../lib/storable-instant';
import { UNSTORABLE_TEXT_MESSAGE } from '../lib/storable-text';

/** How long a caller should wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// Socket-level failures (Node), and postgres.js's own codes for connections it gave up on.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

// SQLSTATEs meaning "the server cannot serve us now": connection exceptions (class 08),
// shutdowns and start-ups (57P0x), too many connections, a database that is missing or
// refusing connections (3D000, 55000 when fatal), failed authentication (28xxx).
const UNAVAILABLE_STATES = /^(08|57P0|53300|3D000|28)/;
// The text cannot be represented in the database encoding (U+0000 above all).
const UNSTORABLE_STATES = new Set(['22021', '22P05']);
// A date-time the database cannot read or hold: a year outside 0001–9999 written in
// JavaScript's expanded form, year 0000, an out-of-range field. Instants come from
// input (the clock's are always in range); services check them first where they can.
const UNSTORABLE_INSTANT_STATES = new Set(['22007', '22008', '22009']);

interface DriverError {
  code?: unknown;
  severity?: unknown;
  cause?: unknown;
}

/** The driver's error under drizzle's wrapper (DrizzleQueryError keeps it as `cause`). */
function driverErrors(e: unknown): DriverError[] {
  const out: DriverError[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    out.push(cur as DriverError);
    cur = (cur as DriverError).cause;
  }
  return out;
}

/**
 * What a database failure means to a caller: the database is unavailable (retry
 * later), or the input held text it cannot store (a validation error). Undefined for
 * everything else, which is a bug to log. The driver's message, the SQL and its
 * parameters stay in `cause`, for the log only.
 */
export function databaseErrorMeaning(e: unknown): DomainError | undefined {
  for (const d of driverErrors(e)) {
    const code = typeof d.code === 'string' ? d.code : undefined;
    if (!code) continue;
    if (UNSTORABLE_STATES.has(code)) {
      return new DomainError('validation', `text ${UNSTORABLE_TEXT_MESSAGE}`, {
        fields: [{ field: 'text', message: UNSTORABLE_TEXT_MESSAGE }],
        cause: e,
      });
    }
    if (UNSTORABLE_INSTANT_STATES.has(code)) {
      return new DomainError('validation', `a date-time ${UNSTORABLE_INSTANT_MESSAGE}`, {
        fields: [{ field: 'date-time', message: UNSTORABLE_INSTANT_MESSAGE }],
        cause: e,
      });
    }
    if (
      CONNECTION_CODES.has(code) ||
      UNAVAILABLE_STATES.test(code) ||
      (code === '55000' && d.severity === 'FATAL')
    ) {
      return databaseUnavailable(e);
    }
  }
  return undefined;
}

export const databaseUnavailable = (cause?: unknown): DomainError =>
  new DomainError('unavailable', 'the database is not answering; retry shortly', {
    retryAfter: DATABASE_RETRY_AFTER_SECONDS,
    cause,
  });

/** Whether an error came from the database or its connection (for the database-errors metric). */
export function isDatabaseError(e: unknown): boolean {
  return driverErrors(e).some(
    (d) =>
      d instanceof DrizzleQueryError ||
      (d as Error).name === 'PostgresError' ||
      (typeof d.code === 'string' && (CONNECTION_CODES.has(d.code) || /^[0-9A-Z]{5}$/.test(d.code))),
  );
}

/** A refusal every surface knows how to answer, or undefined for an unexpected failure. */
export function asDomainError(e: unknown): DomainError | undefined {
  return e instanceof DomainError ? e : databaseErrorMeaning(e);
}
