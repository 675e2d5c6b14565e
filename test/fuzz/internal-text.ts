import { expect } from 'vitest';

/**
 * Text that only the server's insides produce: SQL in context, driver names and
 * errors, stack frames, file paths and column names. None of it may reach a client,
 * on any surface. Matched case-insensitively.
 */
export const INTERNAL_MARKERS = [
  'select ',
  'insert into',
  'update "',
  'delete from',
  'failed query',
  'params:',
  'postgres',
  'pglite',
  'econnrefused',
  'relation "',
  '    at ',
  '.ts:',
  '.js:',
  '/work/',
  'node_modules',
  'org_id',
  'secret_digest',
] as const;

/** The first internal marker in `text`, or undefined. */
export function findInternalText(text: string): string | undefined {
  const lower = text.toLowerCase();
  return INTERNAL_MARKERS.find((m) => lower.includes(m));
}

/** For generators: input that carries no marker, so an echo of it cannot look like a leak. */
export const isFreeOfMarkers = (text: string): boolean => findInternalText(text) === undefined;

/**
 * Every string a client reads from a parsed JSON body, decoded (so `update \"` in the
 * raw text is seen as `update "`): values always, keys unless `keys` is false.
 */
export function jsonStrings(value: unknown, keys = true): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => jsonStrings(v, keys));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(keys ? [k] : []), ...jsonStrings(v, keys)]);
  }
  return [];
}

/**
 * Asserts that nothing internal reaches the client: not in the body as sent, not in
 * its decoded JSON strings, not in the WWW-Authenticate challenge. `strings` are the
 * decoded strings to check (default: all keys and values of the JSON body).
 */
export function expectNoInternalText(res: Response, text: string, strings?: string[]): void {
  let decoded = strings;
  if (!decoded) {
    try {
      decoded = jsonStrings(JSON.parse(text));
    } catch {
      decoded = [];
    }
  }
  const places = {
    body: strings ? '' : text,
    strings: decoded.join('\n'),
    challenge: res.headers.get('www-authenticate') ?? '',
  };
  for (const [where, value] of Object.entries(places)) {
    const found = findInternalText(value);
    expect(found, `internal text ${JSON.stringify(found)} in the ${where}: ${value.slice(0, 500)}`).toBe(
      undefined,
    );
  }
}
