import fc from 'fast-check';
import { hostileString, shortHostileString } from './hostile-input';

/**
 * Percent-encodes every character, writing an unpaired surrogate as the three bytes a
 * careless encoder would (CESU-8, invalid UTF-8) instead of throwing as
 * encodeURIComponent does: the server must cope with what it decodes to.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** Path segments that confuse routers and decoders. */
const TRICKY_SEGMENTS = [
  '%00',
  'a%00b',
  '%2F',
  'a%2Fb',
  '%2e%2e',
  '..',
  '.',
  '',
  '%',
  '%ZZ',
  '%C0%AF',
  '%ED%A0%80',
  '%E2%80%AE',
  'é',
  '😀',
  '%F0%9F%98%80',
  ';x=1',
  'x'.repeat(5000),
  'km_0000000000000000000000',
  `key_${'0'.repeat(20)}`,
];

/** A path segment: a known trap, or a hostile string encoded properly or sent raw. */
export const pathSegment = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_SEGMENTS) },
  { weight: 3, arbitrary: shortHostileString.map(percentEncode) },
  { weight: 1, arbitrary: hostileString.map(percentEncode) },
  // Raw: the URL parser escapes what it must; '?' and '#' end the path early.
  { weight: 1, arbitrary: shortHostileString },
);

/** Date-times JavaScript parses that a database may not hold (years 0, 10000 and beyond, offsets across them). */
const DATE_TIMES = [
  '2020-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '0000-12-31T12:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '0001-01-10T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '2026-01-01T00:00:00+14:00',
  '12 Jan 10000',
];

/** Cursors as the server writes them (base64 of `instant|id`), around the same instants. */
const CURSORS = [...DATE_TIMES, 'not a date'].map((at) => btoa(`${at}|key_x`).replace(/=+$/, ''));

/** A query string of the route's parameters and unknown names, with hostile values, encoded or raw. */
export function queryString(names: string[]): fc.Arbitrary<string> {
  const name = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...names) }, shortHostileString);
  const value = fc.oneof(
    fc.constantFrom('active', 'all', 'revoked', '1', '100', '0', '-1', '1e3', 'day', 'hour', 'key.*', ''),
    fc.constantFrom(...DATE_TIMES),
    fc.constantFrom(...CURSORS, 'not a cursor'),
    hostileString,
  );
  return fc
    .tuple(fc.array(fc.tuple(name, value), { maxLength: 5 }), fc.boolean())
    .map(([pairs, raw]) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([n, v]) => (raw ? `${n}=${v}` : `${percentEncode(n)}=${percentEncode(v)}`)).join('&')}`,
    );
}
