/**
 * Instants travel to the database as ISO 8601 text. JavaScript writes years past 9999
 * or before 0 in the expanded form (`+010000-…`, `-000001-…`) and the year before 1 AD
 * as `0000`; PostgreSQL reads none of them and the query fails. An instant taken from
 * input is therefore held to the years 0001–9999 (UTC) and refused otherwise.
 */
const EARLIEST_MS = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');

export function isStorableInstant(at: Date): boolean {
  const t = at.getTime();
  return t >= EARLIEST_MS && t <= LATEST_MS;
}

export const UNSTORABLE_INSTANT_MESSAGE = 'must lie between the years 0001 and 9999 (UTC)';
